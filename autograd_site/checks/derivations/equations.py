r"""A checked block's equations, each compared, term by term and entry by entry, with sympy.

A block holds equations separated by ``\qquad``; each is cut at ``=`` (outside braces and
environments). Its left side names what it shows (`_LEFT_SIDES`) and, for ``f'(1)`` or an
evaluation bar, the point, which must be the directive's. Every later term is read by the LaTeX
reader and compared with the directive's exact result: symbolically, or, for a term made of
numbers only, at the point, where torch and finite differences must agree too. A term in notation
is skipped, unless it is the last.
"""

from __future__ import annotations

import re

from autograd_site import LazyModule
from autograd_site.checks.derivations.directive import SHOWS, VARIABLE, Directive, agree, each_entry
from autograd_site.checks.derivations.failure import Failure, Notation
from autograd_site.checks.derivations.latex import Latex, is_matrix, shape_of

_LATEX_VARIABLE = re.compile(  # a variable in an evaluation bar's point: x, x_1, x_{1}
    r"(?P<letter>[A-Za-z])(?:_\{?(?P<index>\d+)\}?)?"
)
# Each left side a block may write, and what it names; any other left side names the value.
_LEFT_SIDES = [
    (re.compile(pattern, re.S), shows)
    for pattern, shows in [
        (r"J\s*\^\s*\{?\s*\\(?:intercal|top)\s*\}?\s*v", "vjp"),
        (r"J(?:\s*\((?P<point>[^)]*)\))?", "jacobian"),  # J, or J(1, 2, 3): at the point
        (r"\\nabla.*", "gradient"),
        (
            r"\\d?frac\s*\{\s*\\partial\s*\w+\s*\}\s*\{\s*\\partial\s*[A-Za-z](?P<component>_\{i\})\s*\}",
            "gradient",
        ),
        (r"\\d?frac\s*\{\s*d\w*\s*\}\s*\{\s*d[A-Za-z]\s*\}", "derivative"),
        (
            r"\\left\.\s*\\d?frac\s*\{\s*d\w*\s*\}\s*\{\s*d[A-Za-z]\s*\}\s*\\right\|\s*_\{(?P<at>[^}]*)\}",
            "derivative",
        ),
        (r"[A-Za-z]'\((?P<argument>[^)]*)\)", "derivative"),
    ]
]

sympy = LazyModule("sympy")


def check_block(latex: str, offset: int, directive: Directive, directive_offset: int) -> None:
    """Every equation of a block's LaTeX, which starts at ``offset`` in the page; raises the first
    `Failure`."""
    for equation, equation_offset in _split(latex, offset, "\\qquad"):
        _check_equation(equation, equation_offset, directive, directive_offset)


def _check_equation(equation: str, offset: int, directive: Directive, directive_offset: int):
    equation = equation.rstrip().rstrip(".,;")
    terms = _split(equation, offset, "=")
    if len(terms) < 2:
        raise Failure(
            f"a checked block holds equations separated by \\qquad; this is not one: "
            f"`{' '.join(equation.split())}`",
            offset,
        )
    (left, left_offset), *rights = terms
    left_offset += len(left) - len(left.lstrip())
    shows, componentwise = _left_side(left.strip(), left_offset, directive, directive_offset)
    expected = directive.expected(shows)
    for number, (term, term_offset) in enumerate(rights, start=1):
        term_offset += len(term) - len(term.lstrip())
        try:
            if componentwise:
                value, entries = _componentwise(term.strip(), term_offset, directive), None
            else:
                value, entries = Latex(term.strip(), term_offset, directive.names).read()
        except Notation as notation:
            if number < len(rights):
                continue
            raise Failure(
                f"the last term of `{' '.join(left.split())} = ...` must be a concrete "
                f"expression, not notation ({notation})",
                notation.offset,
            ) from None
        _compare(value, entries, expected, shows, left, term.strip(), term_offset, directive)


def _left_side(left: str, offset: int, directive: Directive, directive_offset: int):
    """What the left side names (value, derivative, gradient, jacobian, vjp), and whether it names
    one component (``\\frac{\\partial y}{\\partial x_{i}}``); checks its point."""
    shows, match = next(
        ((shows, match) for pattern, shows in _LEFT_SIDES if (match := pattern.fullmatch(left))),
        ("value", None),
    )
    if shows not in SHOWS[directive.kind]:
        raise Failure(
            f"the left side `{left}` names the {shows}, which a {directive.kind} block "
            "does not show (left sides: J, J^{\\intercal} v, \\nabla_{x} y, "
            "\\frac{dy}{dx}, f'(x), or a name for the value)",
            offset,
        )
    at = {}
    if match and match.groupdict().get("argument"):
        argument = match["argument"].strip()
        if argument != directive.wrt[0].name:
            at[directive.wrt[0]] = Latex(argument, offset, {}).read()[0]
    if match and match.groupdict().get("point"):
        coordinates = match["point"].split(",")
        if len(coordinates) != len(directive.wrt):
            raise Failure(
                f"the left side `{left}` gives {len(coordinates)} coordinates, but the "
                f"directive differentiates with respect to {len(directive.wrt)}",
                offset,
            )
        for symbol, coordinate in zip(directive.wrt, coordinates, strict=True):
            at[symbol] = Latex(coordinate.strip(), offset, {}).read()[0]
    if match and match.groupdict().get("at"):
        name, _, value = match["at"].partition("=")
        variable = _LATEX_VARIABLE.fullmatch(name.strip())
        if not variable:
            raise Failure(f"cannot read the evaluation point `{match['at']}`", offset)
        symbol = sympy.Symbol(variable["letter"] + (variable["index"] or ""))
        at[symbol] = Latex(value.strip(), offset, {}).read()[0]
    for symbol, value in at.items():
        declared = (directive.point or {}).get(symbol)
        if declared is None or sympy.simplify(declared - value) != 0:
            raise Failure(
                f"the left side `{left}` evaluates at {symbol} = {value}, but the "
                f"directive declares {declared if declared is not None else 'no point'}"
                f"; make them agree (`at {symbol}={value}`)",
                directive_offset,
            )
    return shows, bool(match and match.groupdict().get("component"))


def _componentwise(term: str, offset: int, directive: Directive):
    """A term with a generic index, ``2x_{i}``: one entry per variable, ``i`` its index."""
    entries = []
    for symbol in directive.wrt:
        index = VARIABLE.fullmatch(symbol.name)["index"]
        if not index:
            raise Failure(f"a generic index i needs indexed variables, not {symbol}", offset)
        value, _ = Latex(term.replace("_{i}", f"_{{{index}}}"), offset, directive.names).read()
        if is_matrix(value):
            raise Failure(f"`{term}` is a matrix for each i, not a component", offset)
        entries.append(value)
    return sympy.Matrix(entries)


def _compare(value, entries, expected, shows, left, term, offset, directive):
    """Every entry of the page's term against sympy (and, for numbers, torch and differences)."""
    page = value if is_matrix(value) else sympy.Matrix([[value]])
    left = " ".join(left.split())
    if page.shape != expected.shape:
        raise Failure(
            f"`{left}` is {shape_of(expected)}, but the page shows {shape_of(value)}: "
            f"`{' '.join(term.split())}`",
            offset,
        )
    references = directive.numbers(shows, offset) if not page.free_symbols else {"sympy": expected}
    for (row, column), shown in each_entry(page):
        if all(agree(shown, result[row, column], name) for name, result in references.items()):
            continue
        where, source = offset, term
        if entries:
            start, end = entries[row][column]
            where, source = start, term[start - offset : end - offset]
        source = " ".join(source.split())
        correct = sympy.latex(sympy.cancel(references["sympy"][row, column]))
        computed = sympy.latex(shown)
        same = source.replace(" ", "") == computed.replace(" ", "")
        entry = f", entry (row {row + 1}, column {column + 1})" if page.shape != (1, 1) else ""
        details = (
            ""
            if len(references) == 1
            else " ("
            + ", ".join(
                f"{name}: {_number(result[row, column])}" for name, result in references.items()
            )
            + ")"
        )
        raise Failure(
            f"`{left}`{entry}: the page shows `{source}`"
            f"{'' if same else f' (= {computed})'}, correct is `{correct}`{details}",
            where,
        )


def _number(value) -> str:
    return str(value) if value.is_Rational else f"{float(value):.12g}"


def _split(text: str, offset: int, separator: str) -> list[tuple[str, int]]:
    """``text`` cut at ``separator`` outside braces and environments, with each piece's offset."""
    pieces, depth, start, index = [], 0, 0, 0
    while index < len(text):
        if text.startswith(("\\{", "\\}"), index):
            index += 2
            continue
        if text.startswith("\\begin{", index):
            depth += 1
        elif text.startswith("\\end{", index):
            depth -= 1
        elif text[index] in "{}":
            depth += 1 if text[index] == "{" else -1
        elif (
            depth == 0
            and text.startswith(separator, index)
            and not (separator[-1].isalpha() and text[index + len(separator) :][:1].isalpha())
        ):
            pieces.append((text[start:index], offset + start))
            start = index = index + len(separator)
            continue
        index += 1
    if depth:
        raise Failure(
            f"unbalanced braces or environments in `{' '.join(text.split())}`",
            offset + len(text) - len(text.lstrip()),
        )
    pieces.append((text[start:], offset + start))
    return pieces
