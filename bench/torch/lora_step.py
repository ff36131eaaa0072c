#!/usr/bin/env python3
"""PyTorch counterpart of dev.refinery.bench.EngineBench, for a side-by-side comparison on the same CPU.

Builds the same two Llama shapes as the engine benchmark (stories260K and the 15M llama2.c shape, random
weights, tied classifier, interleaved RoPE, grouped-query attention, SwiGLU) in plain fp32 PyTorch and
times, on a batch of 8 x 256 random tokens:

  forward    loss over the batch under torch.no_grad()
  lora-step  zero_grad, forward, backward, AdamW; LoRA r=8 (alpha 16, no dropout) on q, k, v, o, gate,
             up and down, every base weight frozen, cross-entropy over all 8 x 255 next-token targets
  decode     greedy decoding of one sequence with a key/value cache, 255 tokens after BOS

Reports the median of N timed runs after warm-up, and the process CPU time per run (all threads). Written for torch 1.13 (no scaled_dot_product_attention),
so attention is matmul + causal mask + softmax.

Usage: /usr/bin/python3 bench/torch/lora_step.py [--threads N] [--iterations N] [--models 260k,15m]
"""
import argparse
import math
import os
import statistics
import time

# OpenMP threads that spin while OpenBLAS runs a product on the same two cores (its own pthreads) cost
# torch 2-4x on this machine; passive waiting must be chosen before libgomp starts, so before the import.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

BATCH, SEQ_LEN, RANK, ALPHA = 8, 256, 8, 16.0

CONFIGS = {
    # name: (dim, hidden, layers, heads, kv_heads, vocab)
    "260k": ("stories260K", 64, 172, 5, 8, 4, 512),
    "15m": ("15M (random)", 288, 768, 6, 6, 6, 32000),
}


class LoraLinear(nn.Module):
    """y = x W^T + (alpha / r) * (x A^T) B^T with W frozen; A is Kaiming-uniform, B starts at zero (PEFT's init)."""

    def __init__(self, fan_in, fan_out):
        super().__init__()
        self.base = nn.Linear(fan_in, fan_out, bias=False)
        self.base.weight.requires_grad_(False)
        self.lora_a = nn.Linear(fan_in, RANK, bias=False)
        self.lora_b = nn.Linear(RANK, fan_out, bias=False)
        nn.init.zeros_(self.lora_b.weight)
        self.scale = ALPHA / RANK

    def forward(self, x):
        return self.base(x) + self.lora_b(self.lora_a(x)) * self.scale


class RmsNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim), requires_grad=False)
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rope_tables(head_dim, max_len, theta=10000.0):
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    angles = torch.outer(torch.arange(max_len).float(), freqs)
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x, cos, sin):
    """Interleaved (llama2.c) RoPE: rotates pairs (2i, 2i+1). x is [batch, heads, seq, head_dim]."""
    a, b = x[..., 0::2], x[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, dim, hidden, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, dim // heads
        self.attn_norm, self.ffn_norm = RmsNorm(dim), RmsNorm(dim)
        self.q = LoraLinear(dim, heads * self.head_dim)
        self.k = LoraLinear(dim, kv_heads * self.head_dim)
        self.v = LoraLinear(dim, kv_heads * self.head_dim)
        self.o = LoraLinear(heads * self.head_dim, dim)
        self.gate = LoraLinear(dim, hidden)
        self.up = LoraLinear(dim, hidden)
        self.down = LoraLinear(hidden, dim)

    def forward(self, x, cos, sin, mask):
        bsz, t, _ = x.shape
        h = self.attn_norm(x)
        q = self.q(h).view(bsz, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k(h).view(bsz, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v(h).view(bsz, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        group = self.heads // self.kv_heads
        if group > 1:
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim) + mask
        att = torch.softmax(scores, dim=-1) @ v
        x = x + self.o(att.transpose(1, 2).reshape(bsz, t, -1))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))

    def decode(self, x, pos, cos, sin, cache):
        """One token at position pos; cache holds [kv_heads, max_len, head_dim] keys and values."""
        h = self.attn_norm(x)
        q = self.q(h).view(self.heads, 1, self.head_dim)
        k = self.k(h).view(self.kv_heads, 1, self.head_dim)
        v = self.v(h).view(self.kv_heads, 1, self.head_dim)
        q, k = apply_rope(q, cos[pos:pos + 1], sin[pos:pos + 1]), apply_rope(k, cos[pos:pos + 1], sin[pos:pos + 1])
        keys, values = cache
        keys[:, pos:pos + 1] = k
        values[:, pos:pos + 1] = v
        group = self.heads // self.kv_heads
        ks, vs = keys[:, :pos + 1], values[:, :pos + 1]
        if group > 1:
            ks, vs = ks.repeat_interleave(group, dim=0), vs.repeat_interleave(group, dim=0)
        att = torch.softmax((q @ ks.transpose(-2, -1)) / math.sqrt(self.head_dim), dim=-1) @ vs
        x = x + self.o(att.reshape(1, -1))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Llama(nn.Module):
    def __init__(self, dim, hidden, layers, heads, kv_heads, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        nn.init.normal_(self.embed.weight, std=0.02)
        self.embed.weight.requires_grad_(False)
        self.blocks = nn.ModuleList(Block(dim, hidden, heads, kv_heads) for _ in range(layers))
        self.norm = RmsNorm(dim)
        cos, sin = rope_tables(dim // heads, SEQ_LEN)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        self.register_buffer("mask", torch.full((SEQ_LEN, SEQ_LEN), float("-inf")).triu(1))
        for b in self.blocks:
            for lin in (b.q, b.k, b.v, b.o, b.gate, b.up, b.down):
                nn.init.normal_(lin.base.weight, std=0.02)

    def loss(self, tokens):
        """Mean cross-entropy of every next-token target; logits only for the positions that have one."""
        x = self.embed(tokens)
        t = tokens.shape[1]
        for b in self.blocks:
            x = b(x, self.cos[:t], self.sin[:t], self.mask[:t, :t])
        h = self.norm(x[:, :-1])
        logits = h @ self.embed.weight.t()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))

    @torch.no_grad()
    def greedy(self, first, steps):
        kv, hd = self.blocks[0].kv_heads, self.blocks[0].head_dim
        caches = [(torch.zeros(kv, SEQ_LEN, hd), torch.zeros(kv, SEQ_LEN, hd)) for _ in self.blocks]
        token = first
        for pos in range(steps):
            x = self.embed.weight[token].view(1, -1)
            for b, cache in zip(self.blocks, caches):
                x = b.decode(x, pos, self.cos, self.sin, cache)
            token = int(torch.argmax(self.norm(x) @ self.embed.weight.t()))
        return token


WARMUP_SECONDS = 3.0


def median_seconds(warmup, timed, fn):
    """Median wall seconds of `timed` runs after at least `warmup` untimed ones and WARMUP_SECONDS (as the
    engine's Timer does), and the process CPU seconds (all threads) per timed run."""
    start = time.perf_counter()
    done = 0
    while done < warmup or time.perf_counter() - start < WARMUP_SECONDS:
        fn()
        done += 1
    times = []
    cpu0 = time.process_time()
    for _ in range(timed):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), (time.process_time() - cpu0) / timed


def row(config, mode, tokens, measured):
    seconds, cpu = measured
    print(f"{config:<14} {mode:<10} {tokens / seconds:12.0f} {seconds * 1000:10.1f} {cpu * 1000:14.1f}", flush=True)


def bench(key, iterations):
    name, dim, hidden, layers, heads, kv_heads, vocab = CONFIGS[key]
    torch.manual_seed(0)
    model = Llama(dim, hidden, layers, heads, kv_heads, vocab)
    tokens = torch.randint(0, vocab, (BATCH, SEQ_LEN))
    n = BATCH * SEQ_LEN

    def forward():
        with torch.no_grad():
            model.loss(tokens)

    row(name, "forward", n, median_seconds(3, iterations, forward))

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.0)

    def lora_step():
        optimizer.zero_grad(set_to_none=False)
        model.loss(tokens).backward()
        optimizer.step()

    row(name, "lora-step", n, median_seconds(3, iterations, lora_step))

    generate = SEQ_LEN - 1
    row(name, "decode", generate, median_seconds(3, iterations, lambda: model.greedy(1, generate)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--iterations", type=int, default=7)
    parser.add_argument("--models", default="260k,15m")
    args = parser.parse_args()
    reported = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}: threads {torch.get_num_threads()} (reported {reported} before set_num_threads), "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset (auto)')}, fp32, "
          f"batch {BATCH}x{SEQ_LEN}, median of {args.iterations} runs")
    with open("/proc/loadavg") as f:
        print("load average before:", f.read().strip())
    print(f"{'config':<14} {'mode':<10} {'tokens/s':>12} {'ms/step':>10} {'cpu ms/step':>14}")
    for key in args.models.split(","):
        bench(key.strip(), args.iterations)
    with open("/proc/loadavg") as f:
        print("load average after:", f.read().strip())


if __name__ == "__main__":
    main()
