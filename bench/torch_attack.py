"""PyTorch peer of l2angle's targeted attack (SPEC §4) on a trained LeNet: the same images, targets, temperature
and settings; each step x' <- clip_[0,255](x' + step * g/||g||) with g = grad of log p_target, p = softmax(s/t),
until p_target >= confidence or max_steps. Every step passes only the images still moving, all at once.
Benchmarks and cross-checks only, never a runtime dependency.

usage: torch_attack.py PREFIX THREADS
reads PREFIX.json (shapes, t, step, max_steps, confidence), PREFIX.weights.f32 (LeNet's tensors in order,
[out][in][kh][kw]), PREFIX.mean.f32, PREFIX.images.f32 (n x 784, 0..255), PREFIX.targets.i32;
prints JSON: seconds, steps, norms, success.
"""
import json
import sys
import time

import numpy as np
import torch
from torch_lenet import lenet


def trained(weights):
    """torch_lenet's LeNet with the given weights (l2angle's tensors in order, the same shapes as torch's)."""
    net = lenet()
    at = 0
    with torch.no_grad():
        for p in net.parameters():
            size = p.numel()
            p.copy_(torch.from_numpy(weights[at : at + size].copy()).view(p.shape))
            p.requires_grad_(False)
            at += size
    return net


def main():
    prefix, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    meta = json.load(open(prefix + ".json"))
    net = trained(np.fromfile(prefix + ".weights.f32", dtype=np.float32))
    mean = torch.from_numpy(np.fromfile(prefix + ".mean.f32", dtype=np.float32)).view(1, 784)
    original = torch.from_numpy(np.fromfile(prefix + ".images.f32", dtype=np.float32)).view(-1, 784)
    targets = torch.from_numpy(np.fromfile(prefix + ".targets.i32", dtype=np.int32).astype(np.int64))
    t, step, max_steps, confidence = meta["t"], meta["step"], meta["max_steps"], meta["confidence"]
    n = original.shape[0]
    started = time.perf_counter()
    x = original.clone()
    steps = torch.zeros(n, dtype=torch.int64)
    success = torch.zeros(n, dtype=torch.int64)
    active = torch.arange(n)
    while active.numel() > 0:
        xa = x[active].clone().requires_grad_(True)
        logp = torch.log_softmax(net((xa - mean).view(-1, 1, 28, 28)) / t, dim=1)
        chosen = logp.gather(1, targets[active].view(-1, 1)).view(-1)
        (g,) = torch.autograd.grad(chosen.sum(), xa)
        done = chosen.detach().exp() >= confidence
        success[active[done]] = 1
        going = ~done & (steps[active] < max_steps)
        norm = g.norm(dim=1)
        going &= (norm > 0) & torch.isfinite(norm)
        rows = active[going]
        with torch.no_grad():
            x[rows] = torch.clamp(xa[going] + step * g[going] / norm[going].view(-1, 1), 0.0, 255.0)
        steps[rows] += 1
        active = rows
    seconds = time.perf_counter() - started
    norms = (x.double() - original.double()).norm(dim=1)
    print(json.dumps({"seconds": seconds, "steps": steps.tolist(), "norms": norms.tolist(), "success": success.tolist()}))


if __name__ == "__main__":
    main()
