"""Side-by-side for the GPU check: per-sample Hessians of the odd-even Cauchy DSN BCE loss with torch.func
(vmap of hessian), the way a PyTorch user would get them, on the same GPU and sizes as DeviceCheck's timings.

Usage: python3 benchmarks/torch_hessian_bench.py OUT.json   (writes samples/s per n; CUDA if available)
The loss follows METHOD.md section 2: P starts as the identity, each comparator (i, i+1) of the odd-even network
mixes two columns with alpha = 1/2 + atan(steepness (b - a))/pi; BCE against the true permutation averaged over n^2.
"""
import json
import sys
import time

import torch
from torch.func import hessian, vmap


def dsn_loss(x, q, steepness=10.0):
    n = x.shape[0]
    p = torch.eye(n, dtype=x.dtype, device=x.device)
    for layer in range(n):
        for i in range(layer % 2, n - 1, 2):
            a, b = x[i], x[i + 1]
            alpha = 0.5 + torch.atan(steepness * (b - a)) / torch.pi
            mn, mx = alpha * a + (1 - alpha) * b, (1 - alpha) * a + alpha * b
            x = torch.cat([x[:i], mn.reshape(1), mx.reshape(1), x[i + 2:]])
            pa, pb = p[:, i], p[:, i + 1]
            p = torch.cat([p[:, :i], (alpha * pa + (1 - alpha) * pb)[:, None], ((1 - alpha) * pa + alpha * pb)[:, None],
                           p[:, i + 2:]], dim=1)
    return torch.nn.functional.binary_cross_entropy(p.clamp(0, 1), q)


def main(out, budget_s=80.0):
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    rows = []
    start = time.perf_counter()
    for n in (5, 10, 16, 32):
        batch = 1024 if n <= 16 else 256
        for dtype in (torch.float32, torch.float64):
            if time.perf_counter() - start > budget_s:  # keep the device check short: later sizes are skipped
                rows.append({"n": n, "dtype": str(dtype).replace("torch.", ""), "skipped": "time budget spent"})
                continue
            x = torch.randn(batch, n, device=dev, dtype=dtype)
            perm = torch.argsort(torch.randn(batch, n, device=dev), dim=1)
            q = torch.nn.functional.one_hot(perm, n).transpose(1, 2).to(dtype)
            f = vmap(hessian(dsn_loss))
            f(x[:8], q[:8])
            if dev == "cuda":
                torch.cuda.synchronize()
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                f(x, q)
                if dev == "cuda":
                    torch.cuda.synchronize()
                times.append(time.perf_counter() - t0)
            times.sort()
            rows.append({"n": n, "batch": batch, "dtype": str(dtype).replace("torch.", ""), "device": dev,
                         "hessian_samples_per_s": batch / times[1]})
            print("torch.func", rows[-1], flush=True)
            write(out, rows)
    write(out, rows)


def write(out, rows):
    with open(out, "w") as fh:
        json.dump({"torch": torch.__version__, "rows": rows}, fh, indent=2)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "torch-hessian.json")
