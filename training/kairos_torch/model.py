"""PyTorch Kairos, written from ../shared/docs/kairos-spec.md (section numbers in comments).

Module names mirror the published Hugging Face state dict so that `state_dict()` round-trips with
`model.safetensors` (tied encoder/decoder.embed_tokens are not separate tensors here at all).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .safetensors_io import load_file, save_file

NEG = torch.finfo(torch.float32).min


def _act(name):
    return {"relu": F.relu, "gelu": F.gelu, "gelu_new": F.gelu, "silu": F.silu}[name]


class RMSNorm(nn.Module):
    # T5 LayerNorm: no mean subtraction, no bias (P6)
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, h):
        var = h.pow(2).mean(-1, keepdim=True)
        return self.weight * (h * torch.rsqrt(var + self.eps))


class ParamNet(nn.Module):
    def __init__(self, d_in, d_kv):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(d_in, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, d_kv))


class InstanceRoPE(nn.Module):
    """Instance-adaptive RoPE (§3): omega = exp(gamma*ln(theta) + beta), interleaved pairs."""

    def __init__(self, d_kv, d_in):
        super().__init__()
        j = torch.arange(d_kv // 2, dtype=torch.float64)
        self.register_buffer("log_freqs", (-(2.0 * j / d_kv) * math.log(10000.0)).float())
        self.instance_wise_param_net = ParamNet(d_in, d_kv)
        self.half = d_kv // 2
        with torch.no_grad():  # init = standard RoPE (gamma 1, beta 0)
            last = self.instance_wise_param_net.mlp[4]
            last.weight.mul_(0.01)
            last.bias.zero_()
            last.bias[: self.half] = 1.0

    def freqs(self, s):
        gb = self.instance_wise_param_net.mlp(s)
        gamma, beta = gb[:, : self.half], gb[:, self.half:]
        return gamma, beta, torch.exp(gamma * self.log_freqs + beta)  # [B, d_kv/2]

    @staticmethod
    def rotate(x, omega):
        # x [B, H, L, d]; omega [B, d/2]; positions are row indices (P4)
        L = x.shape[2]
        t = torch.arange(L, dtype=x.dtype, device=x.device)
        ang = t[None, :, None] * omega[:, None, :]  # [B, L, d/2], float32 product first
        cos, sin = torch.cos(ang)[:, None], torch.sin(ang)[:, None]
        x0, x1 = x[..., 0::2], x[..., 1::2]
        return torch.stack((x0 * cos - x1 * sin, x0 * sin + x1 * cos), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, cfg, rope=True):
        super().__init__()
        d, H, dk = cfg["d_model"], cfg["num_heads"], cfg["d_kv"]
        self.H, self.dk = H, dk
        self.q = nn.Linear(d, H * dk, bias=False)
        self.k = nn.Linear(d, H * dk, bias=False)
        self.v = nn.Linear(d, H * dk, bias=False)
        self.o = nn.Linear(H * dk, d, bias=False)
        self.rotary_emb = InstanceRoPE(dk, cfg["instance_rope_input_feature_dim"]) if rope else None

    def forward(self, x, kv, s_feat, key_mask, causal=False, flip_keys=False, trace=None):
        B, Lq, _ = x.shape
        Lk = kv.shape[1]
        q = self.q(x).view(B, Lq, self.H, self.dk).transpose(1, 2)
        k = self.k(kv).view(B, Lk, self.H, self.dk).transpose(1, 2)
        v = self.v(kv).view(B, Lk, self.H, self.dk).transpose(1, 2)
        if self.rotary_emb is not None:
            gamma, beta, omega = self.rotary_emb.freqs(s_feat)
            if flip_keys:  # cross_attention_pe_flip: keys only, before rotation (§3.5)
                k = k.flip(2)
            if trace is not None:
                trace.update(gamma=gamma, beta=beta, scaled_freqs=omega, q_in=q, k_in=k)
            q = InstanceRoPE.rotate(q, omega)
            k = InstanceRoPE.rotate(k, omega)
            if trace is not None:
                trace.update(q_out=q, k_out=k)
        scores = q @ k.transpose(-1, -2)  # no 1/sqrt(d) (P6)
        bias = (1.0 - key_mask)[:, None, None, :] * NEG
        if causal:
            cm = torch.triu(torch.ones(Lq, Lk, dtype=torch.bool, device=x.device), 1)
            bias = bias.masked_fill(cm, NEG)  # same floor as HF's extended mask
        w = torch.softmax(scores + bias, dim=-1)
        out = (w @ v).transpose(1, 2).reshape(B, Lq, self.H * self.dk)
        return self.o(out)


class DenseReluDense(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wi = nn.Linear(cfg["d_model"], cfg["d_ff"], bias=False)
        self.wo = nn.Linear(cfg["d_ff"], cfg["d_model"], bias=False)
        self.act = _act(cfg.get("dense_act_fn", "relu"))
        self.dropout = nn.Dropout(cfg.get("dropout_rate", 0.0))

    def forward(self, h):
        return self.wo(self.dropout(self.act(self.wi(h))))


class _Sub(nn.Module):
    pass


class EncBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        eps = cfg["layer_norm_epsilon"]
        l0, l1 = _Sub(), _Sub()
        l0.SelfAttention = Attention(cfg)
        l0.layer_norm = RMSNorm(cfg["d_model"], eps)
        l1.DenseReluDense = DenseReluDense(cfg)
        l1.layer_norm = RMSNorm(cfg["d_model"], eps)
        self.layer = nn.ModuleList([l0, l1])
        self.drop = nn.Dropout(cfg.get("dropout_rate", 0.0))

    def forward(self, h, s, mask, trace=None):
        l0, l1 = self.layer
        n = l0.layer_norm(h)
        h = h + self.drop(l0.SelfAttention(n, n, s, mask, trace=trace))
        h = h + self.drop(l1.DenseReluDense(l1.layer_norm(h)))
        return h


class DecBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        eps = cfg["layer_norm_epsilon"]
        l0, l1, l2 = _Sub(), _Sub(), _Sub()
        l0.SelfAttention = Attention(cfg)
        l0.layer_norm = RMSNorm(cfg["d_model"], eps)
        l1.EncDecAttention = Attention(cfg, rope=cfg.get("is_cross_attention_pe", True))
        l1.layer_norm = RMSNorm(cfg["d_model"], eps)
        l2.DenseReluDense = DenseReluDense(cfg)
        l2.layer_norm = RMSNorm(cfg["d_model"], eps)
        self.layer = nn.ModuleList([l0, l1, l2])
        self.flip = cfg.get("cross_attention_pe_flip", False)
        self.drop = nn.Dropout(cfg.get("dropout_rate", 0.0))

    def forward(self, y, enc, s, enc_mask, trace_self=None, trace_cross=None):
        l0, l1, l2 = self.layer
        ones = torch.ones(y.shape[0], y.shape[1], dtype=y.dtype, device=y.device)
        n = l0.layer_norm(y)
        y = y + self.drop(l0.SelfAttention(n, n, s, ones, causal=True, trace=trace_self))
        n = l1.layer_norm(y)
        y = y + self.drop(l1.EncDecAttention(n, enc, s, enc_mask, flip_keys=self.flip, trace=trace_cross))
        y = y + self.drop(l2.DenseReluDense(l2.layer_norm(y)))
        return y


class Stack(nn.Module):
    def __init__(self, cfg, n, block):
        super().__init__()
        self.block = nn.ModuleList([block(cfg) for _ in range(n)])
        self.final_layer_norm = RMSNorm(cfg["d_model"], cfg["layer_norm_epsilon"])
        self.dropout = nn.Dropout(cfg.get("dropout_rate", 0.0))


class Gate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        E = cfg["levels"] + cfg["n_null_experts"]
        self.weight = nn.Parameter(torch.randn(E, cfg["input_patch_size"]) * 0.02)
        self.register_buffer("bias", torch.zeros(E))  # persistent; mutated only when asked (P1)


class _Moe(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.gate = Gate(cfg)


class _Patch(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.moe = _Moe(cfg)


class MultiSizeEmbedding(nn.Module):
    """§2.9. Per-size linears stored at full width [levels, out, 2P]; only live columns are used (P9)."""

    def __init__(self, cfg):
        super().__init__()
        L, P, dff, d = cfg["levels"], cfg["input_patch_size"], cfg["d_ff"], cfg["d_model"]
        self.hidden_layer = _Sub()
        self.hidden_layer.weight = nn.Parameter(torch.randn(L, dff, 2 * P) * (1.0 / math.sqrt(P)))
        self.hidden_layer.bias = nn.Parameter(torch.zeros(L, dff))
        self.residual_layer = _Sub()
        self.residual_layer.weight = nn.Parameter(torch.randn(L, d, 2 * P) * (1.0 / math.sqrt(P)))
        self.residual_layer.bias = nn.Parameter(torch.zeros(L, d))
        self.output_layer = nn.Linear(dff, d)
        self.act = _act(cfg.get("dense_act_fn", "relu"))


class OutputHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, dff = cfg["d_model"], cfg["d_ff"]
        qpl = len(cfg["quantiles"]) * cfg["prediction_length"]
        self.hidden_layer = nn.Linear(d, dff)
        self.output_layer = nn.Linear(dff, qpl)
        self.residual_layer = nn.Linear(d, qpl)
        self.act = _act(cfg.get("dense_act_fn", "relu"))

    def forward(self, h):
        return self.output_layer(self.act(self.hidden_layer(h))) + self.residual_layer(h)


class Kairos(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        vocab = 2 if cfg.get("use_reg_token", True) else 1
        d = cfg["d_model"]
        self.shared = nn.Embedding(vocab, d)
        self.fft_norm = nn.LayerNorm(cfg["instance_rope_input_feature_dim"], eps=1e-5)
        self.patch = _Patch(cfg)
        self.input_patch_embedding = MultiSizeEmbedding(cfg)
        self.encoder = Stack(cfg, cfg["num_layers"], EncBlock)
        self.decoder = Stack(cfg, cfg.get("num_decoder_layers", cfg["num_layers"]), DecBlock)
        self.output_patch_embedding = OutputHead(cfg)
        self.register_buffer("quantiles", torch.tensor(cfg["quantiles"], dtype=torch.float32), persistent=False)
        self.update_bias = False  # frozen gate bias by default (P1)

    # ---------------- front end (§2) ----------------
    def normalize(self, x):
        """x [B, T] float32 with NaN = missing. Returns z, obs, loc, scale (§2.2-2.3)."""
        C = self.cfg["context_length"]
        if x.shape[1] > C:
            x = x[:, -C:]
        obs = ~torch.isnan(x)
        n = obs.sum(1, keepdim=True).to(x.dtype)
        x0 = torch.where(obs, x, torch.zeros_like(x))
        loc = torch.where(n > 0, x0.sum(1, keepdim=True) / n.clamp(min=1), torch.zeros_like(n))
        dev = torch.where(obs, x - loc, torch.zeros_like(x))
        scale = torch.sqrt((dev * dev).sum(1, keepdim=True) / n.clamp(min=1))
        scale = torch.where(n > 0, scale, torch.ones_like(scale))
        scale = torch.where(scale == 0, loc.abs() + 1e-5, scale)
        z = (x - loc) / scale
        return x, z, obs, loc, scale

    def spectral(self, z):
        """§2.4: |rfft| over the (truncated) length, first 128 bins, zero-padded, LayerNorm."""
        D = self.cfg["instance_rope_input_feature_dim"]
        u = torch.nan_to_num(z, nan=0.0)
        amp = torch.fft.rfft(u, dim=1).abs()
        if amp.shape[1] >= D:
            f = amp[:, :D]
        else:
            f = F.pad(amp, (0, D - amp.shape[1]))
        return f, self.fft_norm(f)

    def route(self, patches):
        """§2.6 on coarse patches [M, P] (NaN kept). Returns probs, top-K idx, top-K weights."""
        gate = self.patch.moe.gate
        v = torch.nan_to_num(patches, nan=0.0)
        logits = v @ gate.weight.t() + gate.bias
        probs = torch.softmax(logits, dim=-1)
        K = self.cfg["n_activated_experts"]
        tw, ti = torch.topk(probs, K, dim=-1)
        tw = tw / tw.sum(-1, keepdim=True) * self.cfg.get("route_scale", 1.0)
        return probs, ti, tw

    def bias_update(self, ti, tw):
        # P1: bias += rate * (target*sum(w) - counts) / sum(w), counts over all patches of the batch
        gate = self.patch.moe.gate
        E = gate.bias.shape[0]
        counts = torch.zeros(E, dtype=torch.float32).index_add_(0, ti.reshape(-1), tw.detach().reshape(-1).float())
        tot = counts.sum()
        tgt = torch.tensor(self.cfg["target_dist"], dtype=torch.float32)
        gate.bias.add_(self.cfg.get("update_bias_rate", 0.001) * (tgt * tot - counts) / tot)

    def tokenize(self, x, trace=None):
        """x [B, T] -> embeddings [B, N_max(+1), d], mask, s features, loc, scale, token sizes."""
        cfg = self.cfg
        P, Lv = cfg["input_patch_size"], cfg["levels"]
        xin, z, obs, loc, scale = self.normalize(x)
        amp, s = self.spectral(z)
        B, T = z.shape
        padn = (-T) % P
        if padn:  # left padding after normalisation (P13)
            z = F.pad(z, (padn, 0), value=float("nan"))
            obs = F.pad(obs, (padn, 0), value=False)
        Np = z.shape[1] // P
        patches = z.view(B * Np, P)
        obsp = obs.view(B, Np, P)
        probs, ti, tw = self.route(patches)
        if trace is not None:
            trace.update({"norm.context_in": xin, "norm.loc": loc, "norm.scale": scale, "norm.normalized": z[:, padn:],
                          "fft.amplitude_features": amp, "fft.s_features": s, "gate.input": patches,
                          "gate.bias_before": self.patch.moe.gate.bias.clone(), "gate.probs": probs,
                          "gate.topk_indices": ti, "gate.topk_weights": tw})
        if self.update_bias:
            with torch.no_grad():
                self.bias_update(ti, tw)
        # per-patch real-expert mixture weights a_g (renormalised over real experts, nulls dropped)
        real = ti < Lv
        wreal = torch.where(real, tw, torch.zeros_like(tw))
        a = torch.zeros(B * Np, Lv, dtype=z.dtype).scatter_add(1, ti.clamp(max=Lv - 1), wreal)
        a = a / a.sum(1, keepdim=True).clamp(min=1e-30)
        finest = torch.where(real, ti, torch.full_like(ti, -1)).max(1).values.clamp(min=0)  # §2.6 split rule
        # per-level contributions at the finest slot grid (2^(levels-1) slots per patch)
        emb = self.input_patch_embedding
        nslot = 2 ** (Lv - 1)
        zv = torch.nan_to_num(patches, nan=0.0).view(B, Np, P)
        om = obs.view(B, Np, P).to(z.dtype)
        h = 0.0
        r = 0.0
        for g in range(Lv):
            gs = P >> g
            vg = zv.view(B, Np, 2 ** g, gs)
            mg = om.view(B, Np, 2 ** g, gs)
            Wh, Wr = emb.hidden_layer.weight[g], emb.residual_layer.weight[g]
            hg = vg @ Wh[:, :gs].t() + mg @ Wh[:, P:P + gs].t() + emb.hidden_layer.bias[g]
            rg = vg @ Wr[:, :gs].t() + mg @ Wr[:, P:P + gs].t() + emb.residual_layer.bias[g]
            rep = nslot >> g
            ag = a[:, g].view(B, Np, 1, 1)
            h = h + ag * hg.repeat_interleave(rep, dim=2)
            r = r + ag * rg.repeat_interleave(rep, dim=2)
        e_all = emb.output_layer(emb.act(h)) + r  # [B, Np, nslot, d]
        # slot any-observed at the finest grid, then merged per token size
        slot_obs = obsp.view(B, Np, nslot, P // nslot).any(-1)
        fin = finest.view(B, Np).cpu().numpy()
        sel_rows, counts = [], []
        for b in range(B):
            rows = []
            for p in range(Np):
                f = int(fin[b, p])
                step = nslot >> f
                rows.extend((p, j * step, step) for j in range(1 << f))
            sel_rows.append(rows)
            counts.append(len(rows))
        Nmax = max(counts)
        d = cfg["d_model"]
        bi, pi, si = [], [], []
        for b, rows in enumerate(sel_rows):
            for (p, s0, _) in rows:
                bi.append(b); pi.append(p); si.append(s0)
        bi_t, pi_t, si_t = torch.tensor(bi), torch.tensor(pi), torch.tensor(si)
        tok = e_all[bi_t, pi_t, si_t]  # [sumN, d]
        # token mask: any observed point in the token's own span
        cum = torch.cat([torch.zeros(B, Np, 1, dtype=torch.long), slot_obs.long().cumsum(-1)], -1)
        stp = torch.tensor([st for rows in sel_rows for (_, _, st) in rows])
        tmask = (cum[bi_t, pi_t, si_t + stp] - cum[bi_t, pi_t, si_t]) > 0
        pos = torch.tensor([j for c in counts for j in range(c)])
        X = emb.output_layer.bias.expand(B, Nmax, d).clone()  # right padding rows: h = r = 0 (§2.10)
        X = X.index_put((bi_t, pos), tok)
        M = torch.zeros(B, Nmax, dtype=z.dtype)
        M[bi_t, pos] = tmask.to(z.dtype)
        sizes = torch.zeros(B, Nmax, dtype=torch.long)
        sizes[bi_t, pos] = torch.tensor([(st * P) // nslot for rows in sel_rows for (_, _, st) in rows])
        if trace is not None:
            trace.update({"patch.token_size": sizes, "emb.input_embeds": X, "gate.finest": finest})
        if cfg.get("use_reg_token", True):
            reg = self.shared.weight[cfg.get("reg_token_id", 1)]
            X = torch.cat([X, reg.expand(B, 1, d)], 1)
            M = torch.cat([M, torch.ones(B, 1, dtype=z.dtype)], 1)
        if trace is not None:
            trace["enc.attention_mask_with_reg"] = M
        return X, M, s, loc, scale, sizes

    # ---------------- transformer (§4) ----------------
    def forward(self, x, trace=None):
        """One forward: x [B, T] raw (NaN = missing) -> de-normalised quantiles [B, Q, S*PL] (+ raw head)."""
        cfg = self.cfg
        X, M, s, loc, scale, _ = self.tokenize(x, trace)
        h = self.encoder.dropout(X)
        for i, blk in enumerate(self.encoder.block):
            t = {} if (trace is not None and i == 0) else None
            h = blk(h, s, M, trace=t)
            if t:
                trace.update({f"encoder.block.0.layer.0.SelfAttention.rotary_emb.{k}": v for k, v in t.items()})
        enc = self.encoder.dropout(self.encoder.final_layer_norm(h))
        B = X.shape[0]
        S = cfg["num_decoder_segments"]
        y = self.shared.weight[cfg.get("decoder_start_token_id", 0)].expand(B, S, -1)
        y = self.decoder.dropout(y)
        for i, blk in enumerate(self.decoder.block):
            ts = {} if trace is not None else None
            tc = {} if trace is not None else None
            y = blk(y, enc, s, M, trace_self=ts, trace_cross=tc)
            if trace is not None:
                for k, v in ts.items():
                    trace[f"decoder.block.{i}.layer.0.SelfAttention.rotary_emb.{k}"] = v
                for k, v in tc.items():
                    trace[f"decoder.block.{i}.layer.1.EncDecAttention.rotary_emb.{k}"] = v
        dec = self.decoder.dropout(self.decoder.final_layer_norm(y))
        raw = self.output_patch_embedding(dec)  # [B, S, Q*PL]
        Q, PL = len(cfg["quantiles"]), cfg["prediction_length"]
        q = raw.view(B, S, Q, PL).permute(0, 2, 1, 3).reshape(B, Q, S * PL)
        if trace is not None:
            trace.update({"enc.last_hidden": enc, "dec.last_hidden": dec, "head.raw": raw})
        return q * scale[:, :, None] + loc[:, :, None], q, loc, scale

    # ---------------- generate (§4.4) ----------------
    @torch.no_grad()
    def _rollout(self, x, h):
        step = self.cfg["num_decoder_segments"] * self.cfg["prediction_length"]
        med = int(torch.argmin((self.quantiles - 0.5).abs()))
        outs = []
        ctx = x
        for _ in range(math.ceil(h / step)):
            y = self.forward(ctx)[0]
            outs.append(y)
            ctx = torch.cat([ctx, y[:, med]], 1)
        return torch.cat(outs, -1)[..., :h]

    @torch.no_grad()
    def generate(self, x, prediction_length, infer_is_positive=False, force_flip_invariance=False):
        x = torch.as_tensor(x, dtype=torch.float32)
        if x.dim() == 1:
            x = x[None]
        out = self._rollout(x, prediction_length)
        if force_flip_invariance:
            out = (out - self._rollout(-x, prediction_length).flip(1)) / 2
        if infer_is_positive:
            pos = ~(torch.nan_to_num(x, nan=0.0) < 0).any(1)
            out = torch.where(pos[:, None, None], out.clamp(min=0), out)
        return out

    # ---------------- I/O ----------------
    @classmethod
    def from_pretrained(cls, folder, strict=True):
        with open(os.path.join(folder, "config.json")) as f:
            cfg = json.load(f)
        m = cls(cfg)
        sd = {k: torch.from_numpy(v.astype(np.float32)) for k, v in load_file(os.path.join(folder, "model.safetensors")).items()}
        sd.pop("encoder.embed_tokens.weight", None)
        sd.pop("decoder.embed_tokens.weight", None)
        m.load_state_dict(sd, strict=strict)
        m.eval()
        return m

    def save_pretrained(self, folder, metadata=None):
        os.makedirs(folder, exist_ok=True)
        sd = {k: v.detach().cpu().float().numpy() for k, v in self.state_dict().items()}
        # zero the masked (dead) columns of the per-size linears so the file is clean (P9)
        P = self.cfg["input_patch_size"]
        for name in ("input_patch_embedding.hidden_layer.weight", "input_patch_embedding.residual_layer.weight"):
            w = sd[name].copy()
            for g in range(self.cfg["levels"]):
                gs = P >> g
                w[g, :, gs:P] = 0
                w[g, :, P + gs:] = 0
            sd[name] = w
        save_file(sd, os.path.join(folder, "model.safetensors"), metadata or {"format": "pt"})
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(self.cfg, f, indent=2, sort_keys=True)


def param_count(model):
    return sum(v.numel() for v in model.state_dict().values())
