"""Figures are drawn from the real computations of the snippets."""

import pytest
import torch

from tutorial_tools import figures
from tutorial_tools.autograd_graph import render_svg, to_dot


def test_graph_follows_grad_fn_with_torch_names_and_leaf_names():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x + 1
    dot = to_dot(y, {"x": x}, "y")
    assert 'label="AddBackward0"' in dot
    assert 'label="MulBackward0"' in dot
    assert 'label="AccumulateGrad"' in dot
    assert 'label="x\\nscalar"' in dot
    assert dot.count("n1 -> n2;") == 2, "x * x uses x twice: two edges into one AccumulateGrad"


def test_graph_renders_to_svg_and_bad_dot_fails_loudly():
    assert b"<svg" in render_svg("digraph { a -> b }")
    with pytest.raises(RuntimeError, match="rendering the autograd graph failed"):
        render_svg("digraph { a -> ")


def test_figures_are_cached_by_their_inputs(tmp_path, monkeypatch):
    monkeypatch.setattr(figures, "CACHE", tmp_path)
    drawn = []
    monkeypatch.setattr(
        figures,
        "FIGURES",
        {
            "img/tangent.svg": (lambda: drawn.append(1) or b"<svg/>", "finite_differences.py"),
        },
    )
    assert figures.generated() == {"img/tangent.svg": b"<svg/>"}
    assert figures.generated() == {"img/tangent.svg": b"<svg/>"}
    assert drawn == [1]
