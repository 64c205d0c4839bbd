#!/usr/bin/env python3
"""Independent numpy STOI (Taal et al. 2011) used to cross-check EdgeTok's C# implementation.

usage: stoi_reference.py REF DEG RATE     (REF/DEG: raw float32 LE files, or 16-bit mono .wav)
Prints the score. Resampling to 10 kHz is FFT-based (numpy only), unlike the SDK's sinc resampler,
so the two agree closely but not to the last digit.
"""
import sys
import wave

import numpy as np

FS, N_FRAME, NFFT, BANDS, F_LOW, N_SEG, BETA, DYN = 10000, 256, 512, 15, 150.0, 30, -15.0, 40.0


def load(path):
    if str(path).endswith(".wav"):
        with wave.open(str(path)) as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
    return np.fromfile(path, dtype="<f4").astype(np.float64)


def resample(x, fs):
    if fs == FS:
        return x
    n_out = int(round(len(x) * FS / fs))
    spec = np.fft.rfft(x)
    keep = min(len(spec), n_out // 2 + 1)
    out = np.zeros(n_out // 2 + 1, dtype=complex)
    out[:keep] = spec[:keep]
    return np.fft.irfft(out, n_out) * n_out / len(x)


def starts(n):
    return np.arange(0, n - N_FRAME, N_FRAME // 2)


def window():
    k = np.arange(1, N_FRAME + 1)
    return 0.5 * (1 - np.cos(2 * np.pi * k / (N_FRAME + 1)))


def drop_silence(x, y):
    w, s = window(), starts(len(x))
    fx = np.stack([w * x[i:i + N_FRAME] for i in s])
    fy = np.stack([w * y[i:i + N_FRAME] for i in s])
    e = 20 * np.log10(np.linalg.norm(fx, axis=1) / np.sqrt(N_FRAME) + 1e-300)
    keep = (e - e.max() + DYN) > 0
    fx, fy = fx[keep], fy[keep]
    n = (len(fx) - 1) * (N_FRAME // 2) + N_FRAME
    xs, ys = np.zeros(n), np.zeros(n)
    for j in range(len(fx)):
        xs[j * 128:j * 128 + N_FRAME] += fx[j]
        ys[j * 128:j * 128 + N_FRAME] += fy[j]
    return xs, ys


def third_octaves():
    f = np.arange(NFFT // 2 + 1) * FS / NFFT
    a = np.zeros((BANDS, len(f)))
    for j in range(BANDS):
        lo = np.argmin(np.abs(f - F_LOW * 2 ** ((2 * j - 1) / 6)))
        hi = np.argmin(np.abs(f - F_LOW * 2 ** ((2 * j + 1) / 6)))
        a[j, lo:hi] = 1
    return a


def envelopes(x):
    w = window()
    spec = np.stack([np.abs(np.fft.rfft(w * x[i:i + N_FRAME], NFFT)) ** 2 for i in starts(len(x))])
    return np.sqrt(third_octaves() @ spec.T)  # bands x frames


def stoi(x, y, fs):
    x, y = drop_silence(resample(x, fs), resample(y, fs))
    X, Y = envelopes(x), envelopes(y)
    c = 1 + 10 ** (-BETA / 20)
    scores = []
    for m in range(N_SEG, X.shape[1] + 1):
        xs, ys = X[:, m - N_SEG:m], Y[:, m - N_SEG:m]
        alpha = np.linalg.norm(xs, axis=1, keepdims=True) / np.linalg.norm(ys, axis=1, keepdims=True)
        yc = np.minimum(alpha * ys, c * xs)
        xm, ym = xs - xs.mean(1, keepdims=True), yc - yc.mean(1, keepdims=True)
        scores.append((xm * ym).sum(1) / (np.linalg.norm(xm, axis=1) * np.linalg.norm(ym, axis=1)))
    return float(np.mean(scores))


if __name__ == "__main__":
    ref, deg, rate = load(sys.argv[1]), load(sys.argv[2]), int(sys.argv[3])
    n = min(len(ref), len(deg))
    print(f"{stoi(ref[:n], deg[:n], rate):.6f}")
