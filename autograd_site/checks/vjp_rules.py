"""Checking the VJP cheat sheet's rules against autograd, for the tests.

Each rule of ``autograd_site.data.vjp_rules`` gives its vector-Jacobian product as a Python
function; here it is compared with ``torch.autograd.grad`` in float64, on seeded random inputs of
the rule's shapes.
"""

from __future__ import annotations

import torch

from autograd_site.data.vjp_rules import Rule

SEEDS = (0, 1, 2)
TOLERANCE = {"rtol": 1e-10, "atol": 1e-12}


def sample(rule: Rule, seed: int = 0) -> tuple[list[torch.Tensor], torch.Tensor]:
    """Seeded float64 inputs of the rule's shapes, and a v shaped like its output."""
    generator = torch.Generator().manual_seed(seed)
    inputs = [arg.sample(generator) for arg in rule.args]
    with torch.no_grad():
        shape = forward(rule, *inputs).shape
    return inputs, torch.randn(shape, generator=generator, dtype=torch.float64)


def forward(rule: Rule, *inputs: torch.Tensor) -> torch.Tensor:
    """The rule's PyTorch code, run on the inputs."""
    names = {arg.name: value for arg, value in zip(rule.args, inputs, strict=True)}
    namespace = {"torch": torch, "F": torch.nn.functional}
    return eval(rule.torch, namespace, names)  # our own code, from RULES


def products(rule: Rule, seed: int = 0) -> tuple[tuple[torch.Tensor, ...], ...]:
    """J^T v for each input, by ``torch.autograd.grad`` and by the rule, at seeded inputs."""
    inputs, v = sample(rule, seed)
    leaves = [value.requires_grad_() for value in inputs]
    by_autograd = torch.autograd.grad(forward(rule, *leaves), leaves, grad_outputs=v)
    with torch.no_grad():
        by_rule = tuple(rule.vjp(*(leaf.detach() for leaf in leaves), v))
    return by_autograd, by_rule


def holds(rule: Rule, seeds: tuple[int, ...] = SEEDS) -> bool:
    """Whether the rule gives autograd's J^T v, in shape and value, for every input and seed."""
    for seed in seeds:
        by_autograd, by_rule = products(rule, seed)
        if len(by_rule) != len(by_autograd) or not all(
            mine.shape == theirs.shape and torch.allclose(mine, theirs, **TOLERANCE)
            for mine, theirs in zip(by_rule, by_autograd, strict=True)
        ):
            return False
    return True
