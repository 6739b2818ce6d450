"""Forward mode against reverse mode on a wide and a tall Jacobian.

f: R^n -> R^m is a small network. Run as a script, this builds its Jacobian
in both modes for a wide case (n=1000, m=4) and a tall one (n=4, m=1000),
checks that they agree, and prints how many passes each mode makes, read
from the shape of J: one JVP per column, one VJP per row. With --timings it
also prints median times of torch.func.jacfwd and jacrev; the figure on the
page shows median_seconds() for every (n, m) in SWEEP.
"""

import statistics
import sys
import time

import torch
from torch.autograd.functional import jacobian

HIDDEN = 128
CASES = [(1000, 4), (4, 1000)]  # (n inputs, m outputs): a wide J, a tall J
# n + m fixed, so f costs the same throughout: only the shape of J changes.
SWEEP = [(n, 1004 - n) for n in (4, 100, 250, 502, 754, 904, 1000)]
REPEATS = 15


def make_f(n, m):
    """f(x) = B tanh(A x), with fixed random A (scaled by 1/sqrt(n)) and B."""
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(HIDDEN, n, generator=generator, dtype=torch.float64)
    a /= n**0.5
    b = torch.randn(m, HIDDEN, generator=generator, dtype=torch.float64)

    def f(x):
        return b @ torch.tanh(a @ x)

    return f


def median_seconds(n, m, repeats=REPEATS):
    """Median wall time of torch.func.jacfwd(f)(x) and jacrev(f)(x)."""
    from torch.func import jacfwd, jacrev  # needed only for timing

    f, x = make_f(n, m), torch.ones(n, dtype=torch.float64)
    jacobians = {"jacfwd": jacfwd(f), "jacrev": jacrev(f)}
    times = {name: [] for name in jacobians}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # steadier when the machine is busy
    try:
        for repeat in range(repeats + 1):  # round 0 warms up, and is not timed
            for name, jac in jacobians.items():  # interleaved: load hits both
                start = time.perf_counter()
                jac(x)
                if repeat:
                    times[name].append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return {name: statistics.median(t) for name, t in times.items()}


if __name__ == "__main__":
    for n, m in CASES:
        f, x = make_f(n, m), torch.ones(n, dtype=torch.float64)
        forward = jacobian(f, x, vectorize=True, strategy="forward-mode")
        reverse = jacobian(f, x, vectorize=True)
        rows, columns = reverse.shape
        print(f"n={n}, m={m}: J is {rows}x{columns}")
        print(f"  forward mode: {columns} JVPs, one per column")
        print(f"  reverse mode: {rows} VJPs, one per row")
        print(f"  same J: {torch.allclose(forward, reverse)}")
        if "--timings" in sys.argv:
            for name, seconds in median_seconds(n, m).items():
                print(f"  {name}: {seconds * 1e3:.2f} ms")
