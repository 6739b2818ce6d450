"""Three formulas for max(x, 0), the slope autograd returns for each at the
kink x = 0, and which slopes give a line that stays below the graph."""

import torch

FORMULAS = {
    "torch.relu(x)": torch.relu,
    "torch.maximum(x, 0)": lambda x: torch.maximum(x, torch.zeros_like(x)),
    "(x + x.abs()) / 2": lambda x: (x + x.abs()) / 2,
}


def slope_at_zero(f):
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    f(x).backward()
    return x.grad.item()


SLOPES = {name: slope_at_zero(f) for name, f in FORMULAS.items()}
for name, slope in SLOPES.items():
    print(f"{name:20} slope at 0: {slope}")

# g is a subgradient of relu at 0 if relu(x) >= relu(0) + g * x for every x
xs = torch.linspace(-2, 2, 401, dtype=torch.float64)
for g in (0.0, 0.5, 1.0, 1.5):
    below = bool((torch.relu(xs) >= g * xs).all())
    print(f"slope {g}: line below the graph everywhere? {below}")
