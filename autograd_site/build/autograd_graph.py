"""Diagrams of real autograd graphs, read from ``grad_fn`` and ``next_functions``.

The graph is whatever torch recorded when the worked example ran, so a diagram cannot drift from
the code. Nodes carry torch's own class names (``AddBackward0``, ``AccumulateGrad``); leaves are
labelled with the example's variable names. Rendering uses Graphviz compiled to WebAssembly
(``render_dot.mjs``, npm ``@viz-js/viz``): static SVG, no system package, no script in the page.

Why not torchviz's ``make_dot``: it names each node by the object's memory address, so the same
graph gives different DOT on every run and a cached, reproducible SVG is impossible; its arrows
point the way the forward pass went, while the pages draw the way gradients flow; and it labels the
output with its shape only. The walk over ``next_functions`` it would save is the few lines below.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported by the snippets, and only when a figure is redrawn
    import torch

RENDERER = Path(__file__).with_name("render_dot.mjs")

STYLE = """\
  graph [bgcolor=white, rankdir=TB, nodesep=0.3, ranksep=0.35, fontname="Helvetica"];
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12,
        fillcolor="#eceff1", color="#546e7a"];
  edge [color="#546e7a", arrowsize=0.7];
"""


def _describe(tensor: torch.Tensor) -> str:
    return "scalar" if tensor.dim() == 0 else f"shape {tuple(tensor.shape)}"


def _saved(node, names: dict[str, torch.Tensor]) -> list[str]:
    """A label for each value ``node`` saved for backward: torch's ``_saved_*`` attributes."""
    labels = []
    attributes = [a for a in dir(node) if a.startswith("_saved_")]
    for attribute in sorted(attributes, key=lambda a: (not a.startswith("_saved_self"), a)):
        value = getattr(node, attribute)
        if value is None:  # an input that needs no gradient: nothing was saved
            continue
        what = attribute.removeprefix("_saved_")
        if hasattr(value, "data_ptr"):  # a tensor: named after the variable it shares memory with
            name = next(
                (n for n, t in names.items() if t.data_ptr() == value.data_ptr()), "a tensor"
            )
            labels.append(f"saved {what}: {name}\\n{_describe(value)}")
        else:
            labels.append(f"saved {what}: {value}")
    return labels


def to_dot(
    output: torch.Tensor, names: dict[str, torch.Tensor], output_name: str, saved: bool = False
) -> str:
    """DOT for the backward graph of ``output``; arrows point the way gradients flow. With
    ``saved``, each node's saved values hang off it in dashed boxes."""
    leaf_names = {id(tensor): name for name, tensor in names.items()}
    numbers: dict[int, int] = {}  # node ids by order of discovery: reproducible SVG

    def node_id(obj) -> str:
        return f"n{numbers.setdefault(id(obj), len(numbers))}"

    lines = ["digraph autograd {", STYLE]
    lines.append(f'  output [label="{output_name}\\n{_describe(output)}", fillcolor="#ffe0b2"];')
    lines.append(f"  output -> {node_id(output.grad_fn)};")
    seen = set()
    queue = [output.grad_fn]
    while queue:
        node = queue.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        lines.append(f'  {node_id(node)} [label="{type(node).__name__}"];')
        for number, label in enumerate(_saved(node, names) if saved else []):
            box = f"{node_id(node)}s{number}"
            lines.append(
                f'  {box} [label="{label}", shape=note, style="filled,dashed", '
                'fillcolor="#fff9c4", fontsize=11];'
            )
            lines.append(f"  {node_id(node)} -> {box} [style=dashed, arrowhead=none];")
        variable = getattr(node, "variable", None)
        if variable is not None:
            name = leaf_names.get(id(variable), "leaf")
            lines.append(
                f'  {node_id(variable)} [label="{name}\\n{_describe(variable)}", '
                'fillcolor="#bbdefb"];'
            )
            lines.append(f"  {node_id(node)} -> {node_id(variable)};")
        for child, _ in node.next_functions:
            if child is not None:
                lines.append(f"  {node_id(node)} -> {node_id(child)};")
                queue.append(child)
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot: str) -> bytes:
    result = subprocess.run(["node", str(RENDERER)], input=dot.encode(), capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"rendering the autograd graph failed:\n{result.stderr.decode()}")
    return result.stdout
