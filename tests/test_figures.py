"""Figures are drawn from the real computations of the snippets."""

import re

import pytest
import torch

from autograd_site.build import figures
from autograd_site.build.autograd_graph import render_svg, to_dot
from pages import ROOT


def test_graph_follows_grad_fn_with_torch_names_and_leaf_names():
    x = torch.tensor(2.0, requires_grad=True)
    y = x * x + 1
    dot = to_dot(y, {"x": x}, "y")
    assert 'label="AddBackward0"' in dot
    assert 'label="MulBackward0"' in dot
    assert 'label="AccumulateGrad"' in dot
    assert 'label="x\\nscalar"' in dot
    assert dot.count("n1 -> n2;") == 2, "x * x uses x twice: two edges into one AccumulateGrad"


def test_graph_with_saved_shows_what_each_node_saved_named_after_its_variable():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    e = torch.exp(a * 2)
    loss = e.sum()
    dot = to_dot(loss, {"a": a, "e": e}, "loss", saved=True)
    assert 'label="saved result: e\\nshape (2,)"' in dot
    assert 'label="saved self_sym_sizes: (2,)"' in dot
    assert 'label="saved other: a tensor\\nscalar"' in dot, "a * 2 saves the 2, unnamed"
    assert "saved self:" not in dot, "a * 2 needs no gradient for the 2: a is not saved"
    assert "saved" not in to_dot(loss, {"a": a}, "loss")


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


def node_types(dot: str) -> set[str]:
    return set(re.findall(r'label="(\w+)"', dot))


def nodes_named_in_alt_text(svg: str) -> set[str]:
    """The autograd node types the alt text of the page image showing ``svg`` names."""
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    [alt] = re.findall(rf"!\[([^\]]*)\]\(img/{re.escape(svg)}\)", pages)
    named = set(re.findall(r"\w+Backward0|AccumulateGrad", alt))
    assert named, f"the alt text of {svg} names no autograd node"
    return named


def test_the_graphs_the_pages_describe():
    """The prose and alt texts of the graph diagrams, checked against the real graphs."""
    polynomial = figures.run_snippet("polynomial.py")
    dot = to_dot(polynomial["y"], {"x": polynomial["x"]}, "y")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-polynomial.svg")
    assert dot.count('label="AccumulateGrad"') == 1, "every path ends at one AccumulateGrad"
    assert dot.count('label="AddBackward0"') == 4

    dot_product = figures.run_snippet("dot_product.py")
    dot = to_dot(dot_product["y"], {"x": dot_product["x"]}, "y")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-dot-product.svg")
    assert 'n0 [label="DotBackward0"];' in dot
    assert 'n1 [label="AccumulateGrad"];' in dot
    assert dot.count("n0 -> n1;") == 2, "x is both operands: two edges into one AccumulateGrad"

    q = figures.run_snippet("q_backward.py")
    dot = to_dot(q["Q"], {"a": q["a"], "b": q["b"]}, "Q")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-q.svg")
    assert 'n0 [label="SubBackward0"];' in dot
    assert dot.count('label="PowBackward0"') == 2
    assert dot.count('label="AccumulateGrad"') == 2

    hooked = figures.run_snippet("hook_on_intermediate.py")
    dot = to_dot(hooked["L"], {"x": hooked["x"]}, "L")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-hook-on-intermediate.svg")
    assert 'n0 [label="MulBackward0"];' in dot
    assert 'n1 [label="PowBackward0"];' in dot
    assert "n0 -> n1;" in dot, "the path through h"
    assert "n0 -> n2;" in dot, "the direct path"
    assert "n1 -> n2;" in dot, "both paths end at x's AccumulateGrad"
    assert 'n2 [label="AccumulateGrad"];' in dot


def test_the_linear_layer_graph_the_training_page_describes():
    """training-with-autograd.md: one AccumulateGrad per parameter, W through a transpose."""
    run = figures.run_snippet("linear_least_squares.py")
    dot = to_dot(run["loss"], {"W": run["W"], "b": run["b"]}, "loss")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-linear-least-squares.svg")
    assert dot.count('label="AccumulateGrad"') == 2
    assert 'label="W\\nshape (1, 2)"' in dot
    assert 'label="b\\nshape (1,)"' in dot
    where = figures.run_snippet("where_sqrt.py")
    dot = to_dot(where["y"], {"x": where["x"]}, "y")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-where-sqrt.svg")
    assert 'n0 [label="WhereBackward0"];' in dot
    assert 'n1 [label="SqrtBackward0"];' in dot
    assert re.findall(r"n0 -> (n\d+);", dot) == ["n1"], "where's only way back to x is sqrt"
    saved = figures.run_snippet("saved_tensors.py")
    dot = to_dot(saved["L"], {name: saved[name] for name in "abe"}, "L", saved=True)
    assert node_types(dot) >= nodes_named_in_alt_text("graph-saved-tensors.svg")
    for label in ("saved self: a", "saved other: b", "saved result: e", "self_sym_sizes: (2,)"):
        assert label in dot


def test_the_control_flow_graph_and_pieces():
    """control-flow-and-dynamic-graphs.md: the call at a = -300 records three multiplications,
    and f is a line through the origin on each piece, its slope the gradient."""
    run = figures.run_snippet("control_flow.py")
    dot = to_dot(run["d2"], {"a2": run["a2"]}, "d2")
    assert node_types(dot) >= nodes_named_in_alt_text("graph-control-flow.svg")
    assert dot.count('label="MulBackward0"') == 3
    assert dot.count('label="AccumulateGrad"') == 1
    for a, slope in [(125.0, 8.0), (249.5, 8.0), (250.0, 4.0), (499.5, 4.0), (500.0, 2.0)]:
        t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        y = run["f"](t)
        y.backward()
        assert t.grad.item() == slope
        assert y.item() == slope * a
