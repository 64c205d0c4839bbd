"""PyTorch (single-thread, float32, eager) baseline of one Kairos forward, written from
../shared/docs/kairos-spec.md, for the speed comparison with KairosBenchmarks in the same session.

It checks itself against the golden forward output first, then times Tokenize-equivalent front end
and the full forward (ctx 2048, h96 = one forward, batch 1).

    python3 benchmarks/reference/kairos_torch_baseline.py [--threads 1] [--repeat 30]
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT.parent / "shared" / "golden" / "kairos-10m"


def load_safetensors(path: Path) -> dict[str, torch.Tensor]:
    raw = path.read_bytes()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw[base + b:base + end], dtype=np.float32).reshape(e["shape"]).copy())
    return out


class Kairos:
    def __init__(self, folder: Path):
        self.c = json.loads((folder / "config.json").read_text())
        self.w = load_safetensors(folder / "model.safetensors")

    def front_end(self, x: np.ndarray):
        c, w = self.c, self.w
        P, L = c["input_patch_size"], c["levels"]
        K, E = c["n_activated_experts"], c["levels"] + c["n_null_experts"]
        x = torch.from_numpy(x[-c["context_length"]:].astype(np.float32))
        obs = ~torch.isnan(x)
        loc = torch.nanmean(x)
        scale = torch.sqrt(torch.nanmean((x - loc) ** 2))
        if scale == 0:
            scale = loc.abs() + 1e-5
        z = (x - loc) / scale
        u = torch.nan_to_num(z, nan=0.0)
        amp = torch.fft.rfft(u).abs()[:c["instance_rope_input_feature_dim"]]
        f = torch.zeros(c["instance_rope_input_feature_dim"])
        f[:amp.numel()] = amp
        s = F.layer_norm(f, (f.numel(),), w["fft_norm.weight"], w["fft_norm.bias"], 1e-5)
        pad = (-z.numel()) % P
        zp = torch.cat([torch.full((pad,), float("nan")), z]).view(-1, P)
        op = torch.cat([torch.zeros(pad, dtype=torch.bool), obs]).view(-1, P).float()
        vals = torch.nan_to_num(zp, nan=0.0)
        probs = torch.softmax(vals @ w["patch.moe.gate.weight"].T + w["patch.moe.gate.bias"], -1)
        tw, ti = probs.topk(K, -1)
        tw = tw / tw.sum(-1, keepdim=True)
        hW, hB = w["input_patch_embedding.hidden_layer.weight"], w["input_patch_embedding.hidden_layer.bias"]
        rW, rB = w["input_patch_embedding.residual_layer.weight"], w["input_patch_embedding.residual_layer.bias"]
        hs, rs, masks = [], [], []
        for p in range(vals.shape[0]):
            real = [(int(g), float(wt)) for g, wt in zip(ti[p], tw[p]) if int(g) < L]
            tot = sum(wt for _, wt in real)
            fin = max(g for g, _ in real) if real else 0
            size = P >> fin
            for o in range(0, P, size):
                h = torch.zeros(hW.shape[1])
                r = torch.zeros(rW.shape[1])
                for g, wt in real:
                    gs = P >> g
                    sl = o // gs * gs
                    phi = torch.cat([vals[p, sl:sl + gs], op[p, sl:sl + gs]])
                    cols = torch.cat([torch.arange(gs), P + torch.arange(gs)])
                    a = wt / tot
                    h += a * (hW[g][:, cols] @ phi + hB[g])
                    r += a * (rW[g][:, cols] @ phi + rB[g])
                hs.append(h)
                rs.append(r)
                masks.append(float(op[p, o:o + size].any()))
        H = torch.stack(hs)
        R = torch.stack(rs)
        emb = F.linear(torch.relu(H), w["input_patch_embedding.output_layer.weight"], w["input_patch_embedding.output_layer.bias"]) + R
        emb = torch.cat([emb, w["shared.weight"][c["reg_token_id"]][None]])
        mask = torch.tensor(masks + [1.0])
        return emb, mask, s, loc, scale

    def rope(self, prefix, s, n):
        w = self.w
        p = prefix + ".rotary_emb."
        h = torch.relu(F.linear(s, w[p + "instance_wise_param_net.mlp.0.weight"], w[p + "instance_wise_param_net.mlp.0.bias"]))
        h = torch.relu(F.linear(h, w[p + "instance_wise_param_net.mlp.2.weight"], w[p + "instance_wise_param_net.mlp.2.bias"]))
        o = F.linear(h, w[p + "instance_wise_param_net.mlp.4.weight"], w[p + "instance_wise_param_net.mlp.4.bias"])
        half = o.numel() // 2
        omega = torch.exp(o[:half] * w[p + "log_freqs"] + o[half:])
        ang = torch.arange(n, dtype=torch.float32)[:, None] * omega[None]
        return torch.cos(ang), torch.sin(ang)

    @staticmethod
    def rotate(x, cos, sin):  # x [H, L, d]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        c, s = cos[: x.shape[1]], sin[: x.shape[1]]
        return torch.stack([x0 * c - x1 * s, x0 * s + x1 * c], -1).flatten(-2)

    def attn(self, prefix, xq, xkv, mask, causal, rope_tab, flip=False):
        w, c = self.w, self.c
        Hh, d = c["num_heads"], c["d_kv"]
        q = F.linear(xq, w[prefix + ".q.weight"]).view(-1, Hh, d).transpose(0, 1)
        k = F.linear(xkv, w[prefix + ".k.weight"]).view(-1, Hh, d).transpose(0, 1)
        v = F.linear(xkv, w[prefix + ".v.weight"]).view(-1, Hh, d).transpose(0, 1)
        if flip:
            k = k.flip(1)
        if rope_tab is not None:
            q, k = self.rotate(q, *rope_tab), self.rotate(k, *rope_tab)
        sc = q @ k.transpose(1, 2)
        bias = (1 - mask)[None, :].expand(sc.shape[1], -1).clone()
        if causal:
            bias = torch.maximum(bias, torch.triu(torch.ones_like(bias), 1))
        sc = sc + bias * torch.finfo(torch.float32).min
        ctx = torch.softmax(sc, -1) @ v
        return F.linear(ctx.transpose(0, 1).reshape(xq.shape[0], -1), w[prefix + ".o.weight"])

    def rms(self, x, name):
        return self.w[name] * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.c["layer_norm_epsilon"]))

    def ffn(self, prefix, x):
        return F.linear(torch.relu(F.linear(x, self.w[prefix + ".DenseReluDense.wi.weight"])), self.w[prefix + ".DenseReluDense.wo.weight"])

    @torch.no_grad()
    def forward(self, x: np.ndarray):
        c, w = self.c, self.w
        emb, mask, s, loc, scale = self.front_end(x)
        n = emb.shape[0]
        S = c["num_decoder_segments"]
        tabs = lambda p: self.rope(p, s, max(n, S))
        h = emb
        for i in range(c["num_layers"]):
            p = f"encoder.block.{i}.layer."
            h = h + self.attn(p + "0.SelfAttention", self.rms(h, p + "0.layer_norm.weight"), self.rms(h, p + "0.layer_norm.weight"), mask, False, tabs(p + "0.SelfAttention"))
            h = h + self.ffn(p + "1", self.rms(h, p + "1.layer_norm.weight"))
        enc = self.rms(h, "encoder.final_layer_norm.weight")
        y = w["shared.weight"][c["decoder_start_token_id"]][None].repeat(S, 1)
        ones = torch.ones(S)
        for i in range(c["num_decoder_layers"]):
            p = f"decoder.block.{i}.layer."
            yn = self.rms(y, p + "0.layer_norm.weight")
            y = y + self.attn(p + "0.SelfAttention", yn, yn, ones, True, tabs(p + "0.SelfAttention"))
            yn = self.rms(y, p + "1.layer_norm.weight")
            xt = tabs(p + "1.EncDecAttention") if c["is_cross_attention_pe"] else None
            y = y + self.attn(p + "1.EncDecAttention", yn, enc, mask, False, xt, c["cross_attention_pe_flip"])
            y = y + self.ffn(p + "2", self.rms(y, p + "2.layer_norm.weight"))
        dec = self.rms(y, "decoder.final_layer_norm.weight")
        o = "output_patch_embedding."
        raw = F.linear(torch.relu(F.linear(dec, w[o + "hidden_layer.weight"], w[o + "hidden_layer.bias"])), w[o + "output_layer.weight"], w[o + "output_layer.bias"]) \
            + F.linear(dec, w[o + "residual_layer.weight"], w[o + "residual_layer.bias"])
        Q, PL = len(c["quantiles"]), c["prediction_length"]
        return raw.view(S, Q, PL).permute(1, 0, 2).reshape(Q, S * PL) * scale + loc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--input", type=Path, help="1-D float32 .npy series (default: golden case A, checked against the golden forward)")
    ap.add_argument("--horizon", type=int, default=96, help="steps kept from the single forward (<= num_decoder_segments * prediction_length)")
    ap.add_argument("--save-forecast", type=Path, help="write the [Q, horizon] quantiles of the forward as float32 .npy")
    ap.add_argument("--json", action="store_true", help="print one JSON object with the timings instead of text")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = Kairos(GOLDEN)
    case = GOLDEN / "cases" / "A_full2048"
    gold = np.load(case / "input_past_target.npy")[0]
    # The self-check always runs on the golden case, so a wrong baseline can never be timed.
    out = m.forward(gold)
    g = torch.from_numpy(np.load(case / "forward.prediction_outputs.npy")[0])
    rel = float((out - g).abs().max() / g.abs().max())
    if not a.json:
        print(f"check vs golden forward.prediction_outputs: rel {rel:.2e}")
    assert rel < 1e-4, rel
    x = np.load(a.input).astype(np.float32).reshape(-1) if a.input else gold
    out = m.forward(x)
    if a.horizon > out.shape[1]:
        raise SystemExit(f"horizon {a.horizon} needs more than one forward ({out.shape[1]} steps); the baseline times one forward")
    if a.save_forecast:
        np.save(a.save_forecast, out[:, :a.horizon].numpy().astype(np.float32))
    result = {"torch": torch.__version__, "threads": a.threads, "repeat": a.repeat, "golden_rel": rel}
    for key, name, fn in [("tokenize", "front end (tokenize)", lambda: m.front_end(x)), ("forecast", "forward (h <= one forward)", lambda: m.forward(x))]:
        if a.repeat == 0:
            break
        fn()
        times, cpu = [], []
        for _ in range(a.repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        times.sort()
        cpu.sort()
        result[f"{key}_median_ms"] = 1e3 * times[len(times) // 2]
        result[f"{key}_min_ms"] = 1e3 * times[0]
        result[f"{key}_cpu_median_ms"] = 1e3 * cpu[len(cpu) // 2]
        if not a.json:
            print(f"torch {torch.__version__} threads={a.threads} {name}: wall median {1e3 * times[len(times) // 2]:.2f} ms, "
                  f"min {1e3 * times[0]:.2f} ms; cpu median {1e3 * cpu[len(cpu) // 2]:.2f} ms")
    if a.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
