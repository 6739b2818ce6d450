"""The VJP cheat sheet's table, rendered from its rules when the site builds.

The page holds the marker line ``<!-- vjp-table -->``; the mkdocs hook and the notebook generator
replace it with :func:`table`, one row per rule of ``autograd_site.data.vjp_rules``.
"""

from __future__ import annotations

import re

from autograd_site.data.vjp_rules import RULES, Rule

MARKER = "<!-- vjp-table -->"
_MARKER_LINE = re.compile(rf"^{re.escape(MARKER)}[ \t]*$", re.MULTILINE)


def _math(latex: str) -> str:
    return rf"\({latex}\)"


def _shapes(rule: Rule) -> str:
    """``a, b, y, v ∈ ℝⁿ``: names grouped by space, then where the inputs must lie."""
    groups: dict[str, list[str]] = {}
    for name, space in [
        *((arg.name, arg.space) for arg in rule.args),
        (rule.output, rule.output_space),
        (rule.v, rule.output_space),
    ]:
        groups.setdefault(space, []).append(name)
    cells = [_math(rf"{', '.join(names)} \in {space}") for space, names in groups.items()]
    cells += [_math(arg.condition) for arg in rule.args if arg.condition]
    if rule.holds_for:
        cells.append(_math(rule.holds_for))
    return "<br>".join(cells)


def table(rules: tuple[Rule, ...] = RULES) -> str:
    """The Markdown table: one row per rule; no code fences, inline math only."""
    lines = [
        r"| Operation | Forward | Shapes | Backward: \(J^{\intercal} v\) for each input |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        backward = "<br>".join(
            _math(rf"\bar{{{arg.name}}} = {latex}")
            for arg, latex in zip(rule.args, rule.vjps, strict=True)
        )
        lines.append(
            f"| {rule.name}<br>`{rule.torch}` | {_math(rule.forward)} | {_shapes(rule)} "
            f"| {backward} |"
        )
    return "\n".join(lines)


def expand_table(markdown: str) -> str:
    """The page with its marker line, if any, replaced by the table."""
    return _MARKER_LINE.sub(lambda _: table(), markdown)
