"""KernelSynth (Ansari et al., Chronos, 2024, Alg. 2): GP samples from random kernel compositions.

A kernel bank (periodic with many periods, linear, RBF, rational quadratic, white noise, constant);
draw J ~ U{1..5} kernels, fold them with random + / *, sample one GP path on t in [0, 1].
numpy only; deterministic given the seed.
"""
import numpy as np

# periods in samples; divided by the length so t stays in [0, 1] (as in the paper)
PERIODS = [4, 7, 12, 14, 24, 30, 48, 52, 60, 96, 168, 336, 365, 720]


def _bank(L):
    b = []
    for p in PERIODS:
        if p * 2 <= L:
            b.append(("per", p / L, 1.0))
    for s in (0.0, 1.0, 10.0):
        b.append(("lin", s, None))
    for ls in (0.1, 1.0, 10.0):
        b.append(("rbf", ls, None))
    for a in (0.1, 1.0, 10.0):
        b.append(("rq", a, 1.0))
    for n in (0.1, 1.0):
        b.append(("white", n, None))
    b.append(("const", 1.0, None))
    return b


def _kmat(k, t):
    kind, a, c = k
    d = t[:, None] - t[None, :]
    if kind == "per":  # ExpSineSquared, length scale 1
        return np.exp(-2.0 * np.sin(np.pi * np.abs(d) / a) ** 2 / c ** 2)
    if kind == "lin":  # DotProduct, sigma_0 = a
        return a ** 2 + t[:, None] * t[None, :]
    if kind == "rbf":
        return np.exp(-0.5 * d ** 2 / a ** 2)
    if kind == "rq":
        return (1.0 + d ** 2 / (2.0 * a * c ** 2)) ** (-a)
    if kind == "white":
        return a * np.eye(len(t))
    return np.full((len(t), len(t)), a)


def sample_kernel(rng, L, max_kernels=5):
    bank = _bank(L)
    J = rng.integers(1, max_kernels + 1)
    ks = [bank[i] for i in rng.integers(0, len(bank), size=J)]
    return ks, [rng.choice(["+", "*"]) for _ in range(J - 1)]


def gp_sample(rng, L, max_kernels=5):
    t = np.linspace(0.0, 1.0, L)
    ks, ops = sample_kernel(rng, L, max_kernels)
    K = _kmat(ks[0], t)
    for k, op in zip(ks[1:], ops):
        K = K + _kmat(k, t) if op == "+" else K * _kmat(k, t)
    jitter = 1e-6 * max(1.0, float(np.mean(np.diag(K))))
    for _ in range(6):
        try:
            C = np.linalg.cholesky(K + jitter * np.eye(L))
            break
        except np.linalg.LinAlgError:
            jitter *= 10.0
    else:
        return None
    return (C @ rng.standard_normal(L)).astype(np.float32)


def generate(n, seed=0, min_len=256, max_len=768):
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n:
        L = int(rng.integers(min_len // 64, max_len // 64 + 1)) * 64  # few distinct sizes: faster, same spirit
        y = gp_sample(rng, L)
        if y is not None and np.all(np.isfinite(y)) and np.std(y) > 1e-6:
            out.append(y)
    return out


if __name__ == "__main__":
    import argparse
    import os
    import time
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "artifacts", "kernelsynth.npz"))
    a = ap.parse_args()
    t0 = time.time()
    s = generate(a.n, a.seed)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    np.savez_compressed(a.out, *s)
    print(f"{len(s)} series in {time.time() - t0:.1f}s -> {a.out}")
