#!/usr/bin/env python3
"""PyTorch reference for dev.refinery.bench.ServingBench: greedy decoding with a key/value cache, on the same CPU.

Not Hugging Face's `generate` (transformers is not installed here, and Debian's bookworm has no package of it): a
hand-written greedy loop in plain fp32 PyTorch over the Llama of bench/torch/lora_step.py (its classes are reused:
interleaved RoPE, grouped-query attention, SwiGLU, tied classifier). It does what `generate(do_sample=False,
use_cache=True)` does for a batch of equal-length prompts: one forward over the prompts (prefill) that fills the cache
and gives the first token, then one forward per token over the whole batch. Two shapes:

  stories260K  the checkpoint in models/stories260K (llama2.c format, loaded here)
  15m          the llama2.c 15M shape (dim 288, hidden 768, 6 layers, 6/6 heads, vocab 32000) with random weights

Each request is a 9-token prompt (BOS + 8 token ids) and exactly 64 generated tokens (no stop token), as in
ServingBench. The batch is static: B sequences start together and end together (no continuous batching, no queue),
so "first token" is the prefill of the whole batch, not a closed-loop client's wait. Rows: batch 1, 4 and 16 with the
base model, and batch 1 and 16 with one LoRA adapter (r=8, alpha 16 on q, k, v, o, gate, up and down, unmerged:
x W^T + s (x A^T) B^T, B random). Different adapters mixed in one batch are not measured.

Usage: /usr/bin/python3 bench/torch/generate.py [--threads N] [--seconds S] [--models 260k,15m]
"""
import argparse
import os
import statistics
import struct
import sys
import time

# As lora_step.py: passive OpenMP waiting, chosen before libgomp starts (before torch is imported).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lora_step import CONFIGS, Llama, apply_rope  # noqa: E402

PROMPT_LEN, MAX_TOKENS, CONTEXT = 9, 64, 256


def load_llama2c(path):
    """A llama2.c checkpoint (shared classifier) into lora_step's Llama; the LoRA B matrices stay zero."""
    with open(path, "rb") as f:
        dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("7i", f.read(28))
        data = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    if vocab < 0:
        raise SystemExit("checkpoints with a separate classifier are not supported here")
    model = Llama(dim, hidden, layers, heads, kv_heads, vocab)
    hd = dim // heads
    offset = 0

    def take(*shape):
        nonlocal offset
        n = 1
        for s in shape:
            n *= s
        t = data[offset:offset + n].view(*shape)
        offset += n
        return t

    with torch.no_grad():
        model.embed.weight.copy_(take(vocab, dim))
        for name, shape in (("attn_norm", (dim,)), ("q", (heads * hd, dim)), ("k", (kv_heads * hd, dim)),
                            ("v", (kv_heads * hd, dim)), ("o", (dim, heads * hd)), ("ffn_norm", (dim,)),
                            ("gate", (hidden, dim)), ("down", (dim, hidden)), ("up", (hidden, dim))):
            stacked = take(layers, *shape)
            for b, w in zip(model.blocks, stacked):
                module = getattr(b, name)
                (module.weight if name.endswith("norm") else module.base.weight).copy_(w)
        model.norm.weight.copy_(take(dim))
    return model


def random_adapter(model, seed):
    """PEFT's init with B drawn at random (as ServingBench's adapters), so that the adapter changes the model."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for b in model.blocks:
            for lin in (b.q, b.k, b.v, b.o, b.gate, b.up, b.down):
                lin.lora_b.weight.copy_((torch.rand(lin.lora_b.weight.shape, generator=g) - 0.5) * 0.1)


def linear(lin, x, adapter):
    return lin(x) if adapter else lin.base(x)


def block_forward(b, x, start, cache, cos, sin, adapter):
    """Positions start .. start+T-1 of every sequence in the batch; cache is ([B, kv, CONTEXT, hd]) * 2."""
    bsz, t, _ = x.shape
    h = b.attn_norm(x)
    q = linear(b.q, h, adapter).view(bsz, t, b.heads, b.head_dim).transpose(1, 2)
    k = linear(b.k, h, adapter).view(bsz, t, b.kv_heads, b.head_dim).transpose(1, 2)
    v = linear(b.v, h, adapter).view(bsz, t, b.kv_heads, b.head_dim).transpose(1, 2)
    c, s = cos[start:start + t], sin[start:start + t]
    q, k = apply_rope(q, c, s), apply_rope(k, c, s)
    keys, values = cache
    keys[:, :, start:start + t] = k
    values[:, :, start:start + t] = v
    ks, vs = keys[:, :, :start + t], values[:, :, :start + t]
    group = b.heads // b.kv_heads
    if group > 1:
        ks, vs = ks.repeat_interleave(group, dim=1), vs.repeat_interleave(group, dim=1)
    scores = (q @ ks.transpose(-2, -1)) / (b.head_dim ** 0.5)
    if t > 1:
        scores = scores + torch.full((t, start + t), float("-inf")).triu(start + 1)
    att = torch.softmax(scores, dim=-1) @ vs
    x = x + linear(b.o, att.transpose(1, 2).reshape(bsz, t, -1), adapter)
    h = b.ffn_norm(x)
    return x + linear(b.down, F.silu(linear(b.gate, h, adapter)) * linear(b.up, h, adapter), adapter)


@torch.no_grad()
def generate(model, prompts, adapter):
    """Greedy decoding of MAX_TOKENS tokens for each prompt; returns (tokens [B, MAX_TOKENS], seconds to the first)."""
    t0 = time.perf_counter()
    bsz = prompts.shape[0]
    b0 = model.blocks[0]
    caches = [(torch.zeros(bsz, b0.kv_heads, CONTEXT, b0.head_dim), torch.zeros(bsz, b0.kv_heads, CONTEXT, b0.head_dim))
              for _ in model.blocks]
    out = torch.empty(bsz, MAX_TOKENS, dtype=torch.long)
    x, start = model.embed.weight[prompts], 0
    first = None
    for i in range(MAX_TOKENS):
        for b, cache in zip(model.blocks, caches):
            x = block_forward(b, x, start, cache, model.cos, model.sin, adapter)
        logits = model.norm(x[:, -1]) @ model.embed.weight.t()
        token = torch.argmax(logits, dim=-1)
        out[:, i] = token
        if first is None:
            first = time.perf_counter() - t0
        start += x.shape[1]
        x = model.embed.weight[token].unsqueeze(1)
    return out, first


def measure(model, prompts, adapter, seconds):
    """Runs until `seconds` have passed (at least 3 runs) after one warm-up run; medians of total and first-token time."""
    generate(model, prompts, adapter)
    totals, firsts = [], []
    cpu0, begin = time.process_time(), time.perf_counter()
    while len(totals) < 3 or time.perf_counter() - begin < seconds:
        t0 = time.perf_counter()
        _, first = generate(model, prompts, adapter)
        totals.append(time.perf_counter() - t0)
        firsts.append(first)
    cpu = (time.process_time() - cpu0) / len(totals)
    return len(totals), statistics.median(totals), statistics.median(firsts), cpu


def bench(key, seconds, root):
    name, dim, hidden, layers, heads, kv_heads, vocab = CONFIGS[key]
    torch.manual_seed(0)
    if key == "260k":
        path = os.path.join(root, "models", "stories260K", "stories260K.bin")
        model, name = load_llama2c(path), "stories260K (checkpoint)"
    else:
        model, name = Llama(dim, hidden, layers, heads, kv_heads, vocab), "15M shape (random weights)"
    model.eval()
    random_adapter(model, 0)
    g = torch.Generator().manual_seed(13)
    prompts = torch.randint(3, vocab, (16, PROMPT_LEN), generator=g)
    prompts[:, 0] = 1  # BOS
    with open("/proc/loadavg") as f:
        print(f"\n## {name}\n# load average at start: {f.read().strip()}")
    print(f"# {sum(p.numel() for n, p in model.named_parameters() if 'lora' not in n)} parameters; prompts of {PROMPT_LEN} tokens, "
          f"{MAX_TOKENS} generated tokens per sequence; {seconds} s per row\n")
    print("| batch | adapter | runs | aggregate tokens/s | first token ms (prefill of the batch) | decode tokens/s after the first | cpu ms/run |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for bsz, adapter in ((1, False), (1, True), (4, False), (16, False), (16, True)):
        runs, total, first, cpu = measure(model, prompts[:bsz], adapter, seconds)
        print(f"| {bsz} | {'1 (LoRA r=8, unmerged)' if adapter else 'none (base only)'} | {runs} | {bsz * MAX_TOKENS / total:.0f} | "
              f"{first * 1000:.2f} | {bsz * (MAX_TOKENS - 1) / (total - first):.0f} | {cpu * 1000:.0f} |", flush=True)
    with open("/proc/loadavg") as f:
        print(f"# load average at end: {f.read().strip()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per row (default 3)")
    parser.add_argument("--models", default="260k,15m")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    reported = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    capability = next((line.split(":", 1)[1].strip() for line in torch.__config__.show().splitlines()
                       if "CPU capability" in line), "unknown")
    with open("/proc/cpuinfo") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "unknown")
    print(f"# torch {torch.__version__} on {cpu}, {os.cpu_count()} cpus; torch CPU capability {capability}; threads "
          f"{torch.get_num_threads()} (reported {reported} before set_num_threads), OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY')}, fp32, greedy with a KV cache (hand-written, not HF generate)")
    for key in args.models.split(","):
        bench(key.strip(), args.seconds, root)


if __name__ == "__main__":
    main()
