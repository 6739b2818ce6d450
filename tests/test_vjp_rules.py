"""The VJP cheat sheet: every rule agrees with torch autograd, and the page shows every rule."""

import dataclasses
import re
from html import unescape

import pytest
import torch

from autograd_site.build import typeset, vjp_table
from autograd_site.build.notebooks import page_to_notebook
from autograd_site.checks.vjp_rules import SEEDS, TOLERANCE, holds, products
from autograd_site.data import vjp_rules
from pages import ROOT, built_html, parsed, url_of

PAGE = "docs/vjp-cheat-sheet.md"
RULES = {rule.name: rule for rule in vjp_rules.RULES}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("rule", vjp_rules.RULES, ids=lambda rule: rule.name)
def test_rule_gives_autograds_vector_jacobian_product(rule, seed):
    by_autograd, by_rule = products(rule, seed)
    assert len(by_rule) == len(rule.args) == len(rule.vjps)
    for arg, mine, theirs in zip(rule.args, by_rule, by_autograd, strict=True):
        assert mine.dtype == theirs.dtype == torch.float64
        assert mine.shape == theirs.shape == arg.shape, arg.name
        torch.testing.assert_close(mine, theirs, **TOLERANCE, msg=arg.name)
    assert holds(rule, seeds=(seed,))


@pytest.mark.parametrize(
    ("name", "wrong_vjp"),
    [
        ("mul", lambda a, b, v: (v * a, v * b)),  # the two inputs swapped
        ("sigmoid", lambda x, v: (v * torch.sigmoid(x),)),  # y, not y(1 - y)
        ("matmul", lambda A, B, V: (V @ B.T, V.T @ A)),  # B's is transposed: wrong shape
        ("broadcast add", lambda X, b, V: (V, V)),  # not summed back to b's shape
        ("mean", lambda x, v: (v * torch.ones_like(x),)),  # the 1/n forgotten
    ],
)
def test_a_wrong_rule_is_rejected(name, wrong_vjp):
    wrong = dataclasses.replace(RULES[name], vjp=wrong_vjp)
    assert not holds(wrong)


def test_the_rules_cover_the_operations_the_cheat_sheet_promises():
    required = {
        "add",
        "mul",
        "div",
        "pow",
        "exp",
        "log",
        "sin",
        "sum",
        "mean",
        "dot",
        "matmul",
        "broadcast add",
        "relu",
        "abs",
        "clamp",
        "maximum",
        "where",
    }
    assert required <= set(RULES)
    assert len(RULES) == len(vjp_rules.RULES), "rule names are unique"


def test_the_table_has_one_row_per_rule_and_no_fences_or_display_math():
    table = vjp_table.table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(RULES)
    for rule, row in zip(vjp_rules.RULES, rows, strict=True):
        assert row.startswith(f"| {rule.name}<br>`{rule.torch}` | ")
        assert row.count(r"\bar{") == len(rule.args)
    assert "```" not in table
    assert "~~~" not in table
    assert "$$" not in table


def test_every_formula_of_the_table_typesets():
    formulas = re.findall(r"\\\((.+?)\\\)", vjp_table.table())
    assert len(formulas) > 3 * len(RULES)
    results = typeset.render([(formula, False) for formula in formulas])
    assert [(f, r["error"]) for f, r in zip(formulas, results, strict=True) if "error" in r] == []


def test_expand_table_replaces_only_the_marker_line():
    text = f"# Page\n\nBefore.\n\n{vjp_table.MARKER}\n\nAfter.\n"
    expanded = vjp_table.expand_table(text)
    assert expanded == text.replace(vjp_table.MARKER, vjp_table.table())
    assert vjp_table.expand_table("No marker here.\n") == "No marker here.\n"


def test_the_page_holds_the_marker_once():
    assert (ROOT / PAGE).read_text(encoding="utf-8").count(vjp_table.MARKER) == 1


def test_the_generated_notebook_shows_the_table():
    text = (ROOT / PAGE).read_text(encoding="utf-8")
    notebook = page_to_notebook(text, parsed(PAGE), url_of(PAGE), "https://example.org/")
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert vjp_table.MARKER not in markdown
    for rule in vjp_rules.RULES:
        assert f"| {rule.name}<br>`{rule.torch}` | " in markdown


@pytest.mark.build
def test_the_built_page_shows_the_table(site):
    html = built_html(site, PAGE)
    assert "vjp-table" not in html  # neither the marker nor an escaped copy of it
    rows = re.findall(r"<tr>\s*<td>(.*?)<br\s*/?>\s*<code>(.*?)</code></td>", html)
    assert [(name, unescape(code)) for name, code in rows] == [
        (rule.name, rule.torch) for rule in vjp_rules.RULES
    ]


def test_inputs_are_drawn_from_the_domain_the_table_states():
    generator = torch.Generator().manual_seed(0)
    divisor = vjp_rules.Arg("b", vjp_rules.REAL_N, (1000,), "nonzero").sample(generator)
    assert (divisor < 0).any(), "a divisor may be negative"
    assert (divisor > 0).any()
    assert divisor.abs().min() >= 0.5
    assert "b \\neq 0" in vjp_table.table()
    base = vjp_rules.Arg("a", vjp_rules.REAL_N, (1000,), "positive").sample(generator)
    assert base.min() >= 0.5
