"""Check training/kairos_torch against ../shared/golden/kairos-10m (random weights, default config).

Run: /usr/bin/python3 -m pytest training/tests/test_golden.py   (or run this file directly).
Tolerance: max|err| / max|ref| per array, see kairos-spec.md §7.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from kairos_torch import Kairos  # noqa: E402

GOLD = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "golden", "kairos-10m"))
CASES = sorted(os.listdir(os.path.join(GOLD, "cases"))) if os.path.isdir(GOLD) else []
TOL = 1e-4

# arrays compared with the traced model (discrete ones exactly)
CONT = ["norm.loc", "norm.scale", "norm.normalized", "fft.amplitude_features", "fft.s_features",
        "gate.probs", "gate.topk_weights", "emb.input_embeds", "enc.attention_mask_with_reg",
        "enc.last_hidden", "dec.last_hidden", "head.raw", "forward.prediction_outputs"]
EXACT = ["gate.topk_indices", "patch.token_size"]


def relerr(a, b):
    a = np.nan_to_num(np.asarray(a, dtype=np.float64))
    b = np.nan_to_num(np.asarray(b, dtype=np.float64))
    assert a.shape == b.shape, (a.shape, b.shape)
    den = np.abs(b).max()
    return float(np.abs(a - b).max() / (den if den > 0 else 1.0))


_MODELS = {}


def model(folder=GOLD):
    if folder not in _MODELS:
        _MODELS[folder] = Kairos.from_pretrained(folder)
    m = _MODELS[folder]
    m.update_bias = False
    return m


def load(case, name):
    return np.load(os.path.join(GOLD, "cases", case, name + ".npy"))


def run_case(case):
    m = model()
    x = torch.from_numpy(load(case, "input_past_target"))
    tr = {}
    with torch.no_grad():
        y = m(x, trace=tr)[0]
    tr["forward.prediction_outputs"] = y
    errs = {}
    for k in CONT + [f for f in os.listdir(os.path.join(GOLD, "cases", case)) if "rotary_emb" in f]:
        k = k[:-4] if k.endswith(".npy") else k
        if k in tr:
            errs[k] = relerr(tr[k].detach().numpy(), load(case, k))
    for k in EXACT:
        assert np.array_equal(tr[k].numpy(), load(case, k)), (case, k)
        errs[k] = 0.0
    # bias update emulation (P1) on a copy
    m2 = Kairos.from_pretrained(GOLD)
    m2.update_bias = True
    with torch.no_grad():
        m2(x)
    errs["gate.bias_after_forward"] = relerr(m2.patch.moe.gate.bias.numpy(), load(case, "gate.bias_after_forward"))
    return errs


def run_generate(case, h, posflip, mode):
    frozen = mode == "frozen_bias"
    m = model() if frozen else Kairos.from_pretrained(GOLD)
    m.update_bias = not frozen
    x = torch.from_numpy(load(case, "input_past_target"))
    y = m.generate(x, h, infer_is_positive=posflip, force_flip_invariance=posflip)
    return relerr(y.numpy(), load(case, f"gen_h{h}{'_pos_flip' if posflip else ''}.{mode}"))


def test_stages():
    assert CASES, "golden folder missing: " + GOLD
    for case in CASES:
        errs = run_case(case)
        bad = {k: v for k, v in errs.items() if v > TOL}
        assert not bad, (case, bad)


def test_generate_frozen():
    for case in CASES:
        for h in (96, 300):
            for pf in (False, True):
                e = run_generate(case, h, pf, "frozen_bias")
                assert e < TOL, (case, h, pf, e)


def test_generate_drift():
    for case in CASES:
        e = run_generate(case, 96, False, "reference_bias_drift")
        assert e < TOL, (case, e)


if __name__ == "__main__":
    worst = {}
    for case in CASES:
        errs = run_case(case)
        for h in (96, 300):
            for pf in (False, True):
                for mode in ("frozen_bias", "reference_bias_drift"):
                    errs[f"gen_h{h}{'_pos_flip' if pf else ''}.{mode}"] = run_generate(case, h, pf, mode)
        for k, v in errs.items():
            key = k.split(".rotary_emb.")[-1] if "rotary_emb" in k else k
            key = ("rope." + key) if "rotary_emb" in k else key
            worst[key] = max(worst.get(key, 0.0), v)
        print(case, "max", max(errs.values()), "worst", max(errs, key=errs.get))
    for k in sorted(worst):
        print(f"{k:45s} {worst[k]:.2e}")


def test_variants():
    """xflip / noxpe / k4null2 configs (same weights) against their golden forecasts and token sizes."""
    vroot = os.path.join(GOLD, "variants")
    for var in sorted(os.listdir(vroot)):
        vdir = os.path.join(vroot, var)
        cfg_path = os.path.join(vdir, "config.json")
        import json
        with open(cfg_path) as f:
            cfg = json.load(f)
        m = Kairos(cfg)
        sd = Kairos.from_pretrained(GOLD).state_dict()
        m.load_state_dict(sd, strict=cfg.get("is_cross_attention_pe", True))
        m.eval()
        for case in sorted(os.listdir(os.path.join(vdir, "cases"))):
            g = lambda n: np.load(os.path.join(vdir, "cases", case, n + ".npy"))  # noqa: E731
            tr = {}
            with torch.no_grad():
                y = m(torch.from_numpy(g("input_past_target")), trace=tr)[0]
            assert np.array_equal(tr["patch.token_size"].numpy(), g("patch.token_size")), (var, case)
            e = relerr(y.numpy(), g("forward.prediction_outputs"))
            assert e < TOL, (var, case, e)
            e = relerr(m.generate(torch.from_numpy(g("input_past_target")), 300).numpy(), g("gen_h300.frozen_bias"))
            assert e < TOL, (var, case, "gen_h300", e)
