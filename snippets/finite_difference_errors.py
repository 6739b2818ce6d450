"""Finite-difference errors of f(x) = 3x^2 - 4x at x = 1, in two precisions."""

import torch


def f(x):
    return 3 * x**2 - 4 * x


def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def central_difference(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


EXACT = 2.0  # f'(x) = 6x - 4 at x = 1
STEPS = [10.0**-k for k in range(1, 8)]


def errors(difference, dtype):
    """|difference - f'(1)| for every h in STEPS, computed in ``dtype``."""
    x = torch.tensor(1.0, dtype=dtype)
    steps = [torch.tensor(h, dtype=dtype) for h in STEPS]
    return [abs(difference(f, x, h).item() - EXACT) for h in steps]


COLUMNS = {
    "forward f64": errors(forward_difference, torch.float64),
    "forward f32": errors(forward_difference, torch.float32),
    "central f64": errors(central_difference, torch.float64),
    "central f32": errors(central_difference, torch.float32),
}

if __name__ == "__main__":
    print(f"{'h':>5}" + "".join(f"{name:>13}" for name in COLUMNS))
    for row, h in enumerate(STEPS):
        cells = [f"{column[row]:13.1e}" for column in COLUMNS.values()]
        print(f"{h:5.0e}" + "".join(cells))
