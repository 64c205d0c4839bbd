"""Train kairos-mini: pinball loss over the 9 quantiles on KernelSynth + real (held-out-safe) windows.

Usage (from the repo root):
  nice -n 10 /usr/bin/python3 training/train.py --steps 3000 --out models/kairos-mini
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kairos_torch import Kairos, param_count  # noqa: E402
import data as realdata  # noqa: E402
import kernelsynth  # noqa: E402

GOLDEN_CFG = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "golden", "kairos-10m", "config.json"))


def mini_config(d_model, layers, heads, d_ff):
    # Same key set as the published/golden config; only sizes (and context) change.
    with open(GOLDEN_CFG) as f:
        cfg = json.load(f)
    cfg.update(d_model=d_model, num_layers=layers, num_decoder_layers=layers, num_heads=heads, d_kv=64,
               d_ff=d_ff, context_length=realdata.EVAL_CONTEXT, dropout_rate=0.0)
    return cfg


class Sampler:
    def __init__(self, synth, real, horizon, seed, p_synth, p_long=0.0):
        self.rng = np.random.default_rng(seed)
        self.synth = synth
        self.real = [s for s in real if len(s) >= horizon + 64]
        w = np.array([math.sqrt(len(s)) for s in self.real])
        self.w = w / w.sum()
        self.H = horizon
        self.p_synth = p_synth
        self.max_c = realdata.EVAL_CONTEXT
        self.p_long = p_long

    def window(self, y, C):
        H = self.H
        need = C + H
        if len(y) >= need:
            st = int(self.rng.integers(0, len(y) - need + 1))
            w = y[st: st + need]
        else:  # short series: left-pad the context with NaN (as callers do)
            w = np.concatenate([np.full(need - len(y), np.nan, np.float32), y])
        return w[:C].copy(), w[C:].copy()

    def batch(self, B):
        if self.rng.random() < self.p_long:  # the full context, as forecasts are served
            C = self.max_c
        else:
            C = int(self.rng.integers(1, self.max_c // 128 + 1)) * 128 - int(self.rng.integers(0, 128))  # mixed padding
            C = max(C, 64)
        xs, ys = [], []
        for _ in range(B):
            if self.rng.random() < self.p_synth or not self.real:
                y = self.synth[int(self.rng.integers(0, len(self.synth)))]
            else:
                y = self.real[int(self.rng.choice(len(self.real), p=self.w))]
            x, t = self.window(y, C)
            if self.rng.random() < 0.5:  # sign flip: the model is used with force_flip_invariance
                x, t = -x, -t
            xs.append(x)
            ys.append(t)
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def pinball(qpred, target, quantiles):
    # qpred [B, Q, H] (normalised), target [B, H] (normalised, NaN = missing)
    valid = ~torch.isnan(target)
    t = torch.nan_to_num(target, nan=0.0)[:, None, :]
    diff = t - qpred
    q = quantiles[None, :, None]
    loss = torch.maximum(q * diff, (q - 1) * diff)
    m = valid[:, None, :].expand_as(loss).float()
    return (loss * m).sum() / m.sum().clamp(min=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--d-model", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--d-ff", type=int, default=512)
    ap.add_argument("--p-synth", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--synth-init", type=int, default=64, help="KernelSynth series generated before step 1")
    ap.add_argument("--synth-per-step", type=int, default=2, help="new KernelSynth series added to the pool per step")
    ap.add_argument("--minutes", type=float, default=1e9, help="wall-clock budget: LR schedule follows max(step/steps, time/minutes)")
    ap.add_argument("--ckpt", default=os.path.join(HERE, "..", "artifacts", "ckpt"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "models", "kairos-mini"))
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--max-minutes", type=float, default=1e9, help="safety stop; still saves the model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=30, help="linear warm-up steps")
    ap.add_argument("--init", default=None, help="start from this model folder (a previous stage) instead of random weights")
    ap.add_argument("--p-long", type=float, default=0.0, help="share of batches that use the full 512-point context")
    ap.add_argument("--ema-decay", type=float, default=0.0,
                    help="export an exponential moving average of the weights (Polyak averaging) instead of the last step; 0 = off")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    np.random.seed(a.seed)

    ks_rng = np.random.default_rng(a.seed + 1)
    synth = [y for y in (kernelsynth.gp_sample(ks_rng, int(ks_rng.integers(4, 13)) * 64) for _ in range(a.synth_init)) if y is not None]
    real = [s["train"] for s in realdata.load_all() if len(s["train"])]
    cfg = mini_config(a.d_model, a.layers, a.heads, a.d_ff)
    model = Kairos(cfg)
    init_summary = None
    if a.init:  # continue a previous stage: same architecture, fresh optimiser and LR schedule
        prev = Kairos.from_pretrained(a.init)
        if prev.cfg != cfg:
            sys.exit(f"--init {a.init}: its config differs from the requested architecture")
        model.load_state_dict(prev.state_dict())
        summary_path = os.path.join(a.init, "train_summary.json")
        if os.path.exists(summary_path):
            with open(summary_path) as f:
                init_summary = json.load(f)
    model.train()
    model.update_bias = True  # aux-loss-free load balancing while training (reference behaviour); frozen at export
    H = cfg["num_decoder_segments"] * cfg["prediction_length"]
    sampler = Sampler(synth, real, H, a.seed, a.p_synth, a.p_long)
    n_params = param_count(model)
    print(json.dumps({"params": n_params, "synth_init": len(synth), "real_series": len(real), **vars(a)}), flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    nodecay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.98))
    warm = max(1, min(a.steps // 20, a.warmup))
    t0 = time.time()

    def progress(s):  # anneal by the step budget or the wall-clock budget, whichever comes first
        return min(1.0, max(s / a.steps, (time.time() - t0) / 60.0 / a.minutes))

    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress(s)))))
    ema = None
    avg = copy.deepcopy(model).eval() if a.ema_decay > 0 else None  # averaged weights: less step-to-step noise
    log = []
    step = 0
    for step in range(1, a.steps + 1):
        for _ in range(a.synth_per_step):  # grow the synthetic pool on the fly (lengths 256..768)
            yk = kernelsynth.gp_sample(ks_rng, int(ks_rng.integers(4, 13)) * 64)
            if yk is not None and np.isfinite(yk).all():
                synth.append(yk)
        x, y = sampler.batch(a.batch)
        _, q, loc, scale = model(x)
        tz = ((y - loc) / scale).clamp(-100, 100)  # near-constant contexts give huge z; keep the loss bounded
        loss = pinball(q[..., :H], tz, model.quantiles)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if avg is not None:
            with torch.no_grad():
                d = min(a.ema_decay, (1 + step) / (10 + step))  # short memory at first, as in common EMA schedules
                for pa, pm in zip(avg.parameters(), model.parameters()):
                    pa.mul_(d).add_(pm.detach(), alpha=1 - d)
                for ba, bm in zip(avg.buffers(), model.buffers()):
                    ba.copy_(bm)
        lv = float(loss)
        ema = lv if ema is None else 0.98 * ema + 0.02 * lv
        if step % 20 == 0:
            el = time.time() - t0
            rec = {"step": step, "loss": round(lv, 4), "ema": round(ema, 4), "lr": sched.get_last_lr()[0],
                   "elapsed_s": round(el, 1), "gate_bias": [round(v, 4) for v in model.patch.moe.gate.bias.tolist()]}
            log.append(rec)
            print(json.dumps(rec), flush=True)
        if step % a.ckpt_every == 0:
            (avg if avg is not None else model).save_pretrained(a.ckpt)
        if progress(step) >= 1.0 or (time.time() - t0) / 60 > a.max_minutes:
            print(f"time budget reached at step {step}", flush=True)
            break
    model.eval()
    (avg if avg is not None else model).save_pretrained(a.out)
    summary = {"steps": step, "train_minutes": round((time.time() - t0) / 60, 1), "final_loss_ema": round(ema, 4), "synth_pool": len(synth),
               "params": n_params, "args": vars(a)}
    if init_summary is not None:
        summary["previous_stage"] = init_summary
    with open(os.path.join(a.out, "train_summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
