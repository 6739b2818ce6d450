r"""Check the derivations on the tutorial pages with sympy, torch and finite differences.

Every display-math block on a page (``$$ ... $$``) is directly preceded by a one-line directive in
an HTML comment, which the site's mkdocs hook strips, so readers never see it::

    <!-- derivation: derivative of 3*x**2 - 4*x wrt x at x=1 -->
    <!-- derivation: gradient of x1**2 + x2**2 wrt x1, x2 at x=[0, 1] -->
    <!-- derivation: jacobian of [3*a1**3 - b1**2, 3*a2**3 - b2**2] wrt a1, b1, a2, b2 -->
    <!-- derivation: vjp of [x1**2, x2**2] wrt x1, x2 with v=[1, 1] at x=[0, 1] -->
    <!-- derivation: value of [3*a1**3 - b1**2, 3*a2**3 - b2**2] -->
    <!-- derivation: illustrative -->

``KIND of F [wrt VARIABLES] [with v=V] [at POINT]``. F is a sympy expression, or a list of them
for a vector function, in variables named by a letter and an optional index (``x``, ``a1``).
``wrt`` orders the Jacobian's columns (default: the variables, sorted); ``at`` gives scalars or
whole vectors (``at a=[2, 3], b=[6, 4]`` means a1=2, a2=3, b1=6, b2=4). ``illustrative`` marks a
generic form (∂yᵢ/∂xⱼ, f'(ξ)) that nothing can check.

A block holds equations separated by ``\qquad``. The left side of each names what it shows: ``J``
(the Jacobian, numerator layout), ``J^{\intercal} v``, ``\nabla_{x} y`` or
``\frac{\partial y}{\partial x_{i}}`` (the gradient), ``\frac{dy}{dx}`` or ``f'(x)`` (the
derivative; at a point: ``f'(1)``, ``\left.\frac{dy}{dx}\right|_{x=2}``), anything else the
value of F. Every later term that is a concrete expression is compared, entry by entry, with sympy's
result for F: symbolically, or, for a term made of numbers only, at the point, where torch (float64
``torch.autograd.functional.jacobian``) and central finite differences must agree too. Terms in
notation (∂, ∇, Σ, generic indices) are skipped, but the last term must be concrete. In the
LaTeX, ``x`` is the vector (x1, x2, ...) of indexed variables, ``v`` the directive's v; powers and
functions of a vector act element-wise, ``\odot`` multiplies element-wise, juxtaposed matrices
multiply.

Why hand-written: sympy's ``parse_latex`` needs antlr4 or lark (not installed) and knows none of
these conventions (x as a vector, element-wise powers, ``\odot``, ``\operatorname{diag}``,
``^{\intercal}``, ``=``-chains, evaluation bars); the restricted LaTeX the pages are written in
(DESIGN.md, style rule 4) takes a small recursive-descent parser. sympy is imported only when a
checked block is evaluated.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, cached_property

from sybil import Region

from autograd_site import LazyModule
from autograd_site.directives import Derivation, find_derivations

# What each kind of block may show, named by the left sides of its equations.
SHOWS = {
    "value": {"value"},
    "derivative": {"derivative"},
    "gradient": {"gradient"},
    "jacobian": {"jacobian"},
    "vjp": {"jacobian", "vjp"},
}
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "tanh", "sqrt")
TOLERANCE = {"torch": 1e-9, "finite differences": 1e-6}  # relative to 1 + |exact value|
FINITE_DIFFERENCE_STEP = 1e-6

_DIRECTIVE_BODY = re.compile(
    r"(?P<kind>\w+)\s+of\s+(?P<of>.+?)(?:\s+wrt\s+(?P<wrt>.+?))?"
    r"(?:\s+with\s+v\s*=\s*(?P<v>.+?))?(?:\s+at\s+(?P<at>.+?))?",
    re.S,
)
_VARIABLE = re.compile(r"(?P<letter>[A-Za-z])(?P<index>\d*)")
_LATEX_VARIABLE = re.compile(r"(?P<letter>[A-Za-z])(?:_\{?(?P<index>\d+)\}?)?")
_LEFT_SIDES = [
    (re.compile(pattern, re.S), shows)
    for pattern, shows in [
        (r"J\s*\^\s*\{?\s*\\(?:intercal|top)\s*\}?\s*v", "vjp"),
        (r"J", "jacobian"),
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
_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\\[,;:!\ ])
  | (?P<delimiter>\\(?:left|right|[bB]igg?[lr]?)\s*(?:[()\[\].|]|\\[{}|]))
  | (?P<rowsep>\\\\(?:\[[^\]]*\])?)
  | (?P<command>\\[A-Za-z]+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<letter>[A-Za-z])
  | (?P<char>[{}()\[\]^_&+\-'/|.])
""",
    re.VERBOSE,
)
_PRODUCTS = ("\\cdot", "\\times", "\\odot", "/")
_TRANSPOSE = ("\\intercal", "\\top")
_NOTATION = {
    "\\partial",
    "\\nabla",
    "\\sum",
    "\\prod",
    "\\lim",
    "\\cdots",
    "\\vdots",
    "\\ddots",
    "\\ldots",
    "\\dots",
    "\\xi",
    "\\infty",
    "\\to",
}


# Imported on first use: its import takes about 0.3 s, which collecting the pages, and pages whose
# blocks are all illustrative, never pay.
sympy = LazyModule("sympy")


class Failure(Exception):
    """What is wrong with a derivation, and where: an offset into the page (None: the directive)."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.offset = offset


class Notation(Failure):
    """A term in notation (∂, ∇, Σ, a generic index): nothing to evaluate, so it is skipped."""


def check(derivation: Derivation) -> str | None:
    """None when the block is illustrative or every checked term is right; else what is wrong."""
    d = derivation
    if d.problem:
        return d.problem
    if d.directive is None:
        return (
            f"{d.page}:{d.line(d.start)}: display math with no derivation directive on the "
            "line before it: add `<!-- derivation: KIND of F ... -->` (see "
            "autograd_site/checks/derivations.py) or, for a generic form, "
            "`<!-- derivation: illustrative -->`"
        )
    if d.directive == "illustrative":
        return None
    try:
        directive = parse_directive(d.directive)
        for equation, offset in _split(d.text[d.math_start : d.math_end], d.math_start, "\\qquad"):
            _check_equation(equation, offset, directive, d.start)
    except Failure as failure:
        offset = d.start if failure.offset is None else failure.offset
        return f"{d.page}:{d.line(offset)}: {failure}"
    return None


# --- the directive ------------------------------------------------------------------------------


@dataclass
class Directive:
    kind: str
    outputs: list  # sympy expressions: F's components
    wrt: list  # sympy Symbols, the Jacobian's column order
    v: list | None
    point: dict | None  # Symbol -> exact number

    @cached_property
    def names(self) -> dict:
        """What a name in the LaTeX stands for: a variable, a vector of indexed ones, or v."""
        names = {symbol.name: symbol for symbol in self.wrt}
        vectors: dict[str, list] = {}
        for symbol in sorted(self.wrt, key=_natural):
            match = _VARIABLE.fullmatch(symbol.name)
            if match["index"]:
                vectors.setdefault(match["letter"], []).append(symbol)
        for letter, symbols in vectors.items():
            names.setdefault(letter, sympy.Matrix(symbols))
        if self.v is not None:
            names["v"] = sympy.Matrix(self.v)
        return names

    @cached_property
    def function(self):
        return sympy.Matrix(self.outputs)

    @cached_property
    def jacobian(self):
        return self.function.jacobian(self.wrt)

    def expected(self, shows: str):
        """sympy's exact result: a Matrix (a scalar is 1-by-1)."""
        return _quantity(shows, self.function, self.jacobian, self.v)

    def numbers(self, shows: str, at: int) -> dict:
        """The result at the point, by sympy, torch and (for derivatives) finite differences."""
        exact = self.expected(shows)
        if self.point is None:
            if exact.free_symbols:
                raise Failure(
                    "the page shows numbers, but the directive declares no point: add "
                    "`at ...` to it",
                    at,
                )
            return {"sympy": exact}
        values, jacobian, differences = self._torch
        numbers = {
            "sympy": exact.xreplace(self.point),
            "torch": _quantity(shows, values, jacobian, self.v),
        }
        if shows != "value":
            numbers["finite differences"] = _quantity(shows, values, differences, self.v)
        for name, result in numbers.items():
            for (row, column), number in _entries(result):
                reference = numbers["sympy"][row, column]
                if not _agree(number, reference, name):
                    raise Failure(
                        f"sympy ({sympy.latex(reference)}) and {name} ({float(number)})"
                        f" disagree on the {shows}, row {row + 1}, column {column + 1}:"
                        " is the function differentiable at the point?",
                        at,
                    )
        return numbers

    @cached_property
    def _torch(self):
        """F, its Jacobian by torch.autograd.functional.jacobian and by central differences."""
        import torch
        import torch.autograd.functional

        function = sympy.lambdify(
            self.wrt, self.outputs, modules=[{name: getattr(torch, name) for name in FUNCTIONS}]
        )

        def f(x):
            return torch.stack(
                [torch.as_tensor(value, dtype=torch.float64) for value in function(*x.unbind())]
            )

        x = torch.tensor([float(self.point[symbol]) for symbol in self.wrt], dtype=torch.float64)
        steps = torch.eye(len(x), dtype=torch.float64) * FINITE_DIFFERENCE_STEP
        differences = torch.stack(
            [(f(x + step) - f(x - step)) / (2 * FINITE_DIFFERENCE_STEP) for step in steps], dim=1
        )
        jacobian = torch.autograd.functional.jacobian(f, x)
        return tuple(sympy.Matrix(t.tolist()) for t in (f(x), jacobian, differences))


@cache
def parse_directive(body: str) -> Directive:
    """``KIND of F [wrt VARIABLES] [with v=V] [at POINT]`` (see the module's docstring)."""
    match = _DIRECTIVE_BODY.fullmatch(body)
    if not match or match["kind"] not in SHOWS:
        raise Failure(
            f"cannot read the directive `{body}`: write `KIND of F [wrt VARIABLES] "
            f"[with v=V] [at POINT]`, KIND one of {', '.join(SHOWS)}, or "
            "`illustrative`"
        )
    kind = match["kind"]
    of = _sympy(match["of"])
    vector_function = isinstance(of, list)
    outputs = of if vector_function else [of]
    free = set().union(*(output.free_symbols for output in outputs))
    wrt = (
        [_symbol(name) for name in _items(match["wrt"])]
        if match["wrt"]
        else sorted(free, key=_natural)
    )
    if not wrt or free - set(wrt):
        raise Failure(f"`wrt` must name every variable of F ({', '.join(map(str, free))})")
    v = _sympy(match["v"]) if match["v"] else None
    if (kind == "vjp") != (v is not None) or (
        v is not None and (not isinstance(v, list) or len(v) != len(outputs))
    ):
        raise Failure(
            f"a vjp directive, and only it, gives `with v=[...]`, one entry per "
            f"component of F ({len(outputs)})"
        )
    if "v" in {_VARIABLE.fullmatch(s.name)["letter"] for s in wrt} and v is not None:
        raise Failure("v is the vector of the product; name the variables otherwise")
    if kind == "derivative" and (vector_function or len(wrt) != 1):
        raise Failure("a derivative is of a scalar function of one variable")
    if kind == "gradient" and vector_function:
        raise Failure("a gradient is of a scalar function (for a vector one, use jacobian)")
    point = _point(match["at"], wrt) if match["at"] else None
    return Directive(kind, outputs, wrt, v, point)


def _sympy(text: str):
    """A sympy expression (or a list of them) in our variables, from the directive's Python."""
    from sympy.parsing.sympy_parser import parse_expr

    names = {}
    for name in set(re.findall(r"[A-Za-z_]\w*", text)):
        if name in FUNCTIONS:
            names[name] = getattr(sympy, name)
        elif _VARIABLE.fullmatch(name):
            names[name] = sympy.Symbol(name)
        else:
            raise Failure(
                f"unknown name `{name}` in `{text}`: variables are a letter and an "
                f"optional index (x, a1); functions are {', '.join(FUNCTIONS)}"
            )
    try:
        value = parse_expr(text, local_dict=names)
    except Exception as error:  # noqa: BLE001 - sympy raises many kinds
        raise Failure(f"cannot read `{text}` as a sympy expression: {error}") from None
    if isinstance(value, (list, tuple)):
        if any(isinstance(item, (list, tuple)) for item in value):
            raise Failure(f"`{text}`: a list of expressions, not of lists")
        return [sympy.sympify(item) for item in value]
    return sympy.sympify(value)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.strip().strip("[]").split(",") if item.strip()]


def _symbol(name: str):
    if not _VARIABLE.fullmatch(name):
        raise Failure(f"`{name}` is not a variable name (a letter and an optional index)")
    return sympy.Symbol(name)


def _natural(symbol) -> tuple:
    match = _VARIABLE.fullmatch(symbol.name)  # every symbol was made by _symbol, so it matches
    return (match["letter"], int(match["index"] or 0))


def _point(text: str, wrt: list) -> dict:
    """``x=1``, ``x=[0, 1, 2]``, ``a=[2, 3], b=[6, 4]``, ``a1=2, a2=3``: Symbol -> number."""
    point = {}
    for assignment in re.split(r",(?![^\[]*\])", text):
        name, equals, value = assignment.partition("=")
        value = _sympy(value) if equals else None
        if value is None or not _VARIABLE.fullmatch(name.strip()):
            raise Failure(
                f"cannot read the point `{text}`: write `at x=1` or `at a=[2, 3], b=[6, 4]`"
            )
        values = value if isinstance(value, list) else [value]
        names = (
            [f"{name.strip()}{index}" for index in range(1, len(values) + 1)]
            if isinstance(value, list)
            else [name.strip()]
        )
        for variable, number in zip(names, values, strict=True):
            if number.free_symbols:
                raise Failure(f"the point gives {variable} = {number}, not a number")
            point[sympy.Symbol(variable)] = number
    if set(point) != set(wrt):
        raise Failure(
            f"the point `{text}` must give exactly the variables {', '.join(map(str, wrt))}"
        )
    return point


def _quantity(shows: str, function, jacobian, v):
    """What a left side names, from F and its Jacobian (numerator layout: J[i, j] = ∂Fᵢ/∂xⱼ)."""
    if shows == "value":
        return function
    if shows == "vjp":
        return jacobian.T * sympy.Matrix(v)
    return jacobian.T if shows == "gradient" else jacobian


# --- one equation -------------------------------------------------------------------------------


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
                value, entries = _Latex(term.strip(), term_offset, directive.names).read()
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
            at[directive.wrt[0]] = _Latex(argument, offset, {}).read()[0]
    if match and match.groupdict().get("at"):
        name, _, value = match["at"].partition("=")
        variable = _LATEX_VARIABLE.fullmatch(name.strip())
        if not variable:
            raise Failure(f"cannot read the evaluation point `{match['at']}`", offset)
        symbol = sympy.Symbol(variable["letter"] + (variable["index"] or ""))
        at[symbol] = _Latex(value.strip(), offset, {}).read()[0]
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
        index = _VARIABLE.fullmatch(symbol.name)["index"]
        if not index:
            raise Failure(f"a generic index i needs indexed variables, not {symbol}", offset)
        value, _ = _Latex(term.replace("_{i}", f"_{{{index}}}"), offset, directive.names).read()
        if _is_matrix(value):
            raise Failure(f"`{term}` is a matrix for each i, not a component", offset)
        entries.append(value)
    return sympy.Matrix(entries)


def _compare(value, entries, expected, shows, left, term, offset, directive):
    """Every entry of the page's term against sympy (and, for numbers, torch and differences)."""
    page = value if _is_matrix(value) else sympy.Matrix([[value]])
    left = " ".join(left.split())
    if page.shape != expected.shape:
        raise Failure(
            f"`{left}` is {_shape(expected)}, but the page shows {_shape(value)}: "
            f"`{' '.join(term.split())}`",
            offset,
        )
    references = directive.numbers(shows, offset) if not page.free_symbols else {"sympy": expected}
    for (row, column), shown in _entries(page):
        if all(_agree(shown, result[row, column], name) for name, result in references.items()):
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


def _entries(matrix):
    return (
        ((row, column), matrix[row, column])
        for row in range(matrix.rows)
        for column in range(matrix.cols)
    )


def _agree(shown, reference, name: str) -> bool:
    if name == "sympy":  # cheapest proof of zero first: simplify can take 0.3 s
        difference = shown - reference
        return any(
            proof(difference) == 0
            for proof in (
                sympy.expand,
                lambda d: sympy.expand(sympy.numer(sympy.together(d))),
                sympy.simplify,
            )
        )
    return abs(float(shown) - float(reference)) <= TOLERANCE[name] * (1 + abs(float(reference)))


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


# --- our restricted LaTeX, to sympy -------------------------------------------------------------


def _is_matrix(value) -> bool:
    return hasattr(value, "shape")


def _shape(value) -> str:
    return "a {}-by-{} matrix".format(*value.shape) if _is_matrix(value) else "a scalar"


class _Latex:
    """One term of an equation, read into sympy: numbers, variables, vectors, +, -, products,
    \\frac, powers, \\operatorname{diag}, ^{\\intercal}, functions and bmatrix environments."""

    def __init__(self, text: str, offset: int, names: dict):
        self.text, self.offset, self.names = text, offset, names
        self.tokens: list[tuple[str, str, int, int]] = []  # kind, text, start, end (page offsets)
        self.index = 0
        self.entries: dict[int, list] = {}  # id(matrix literal) -> each entry's (start, end)
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match:
                raise Failure(
                    f"cannot read `{text[position : position + 20]}` in `{text}`", offset + position
                )
            kind, token = match.lastgroup, match.group()
            if kind == "delimiter":  # \left( \big) ... are plain brackets; \left. is refused
                kind, token = ("char", token[-1]) if token[-1] in "()[]" else ("command", token)
            if kind != "space":
                self.tokens.append((kind, token, offset + match.start(), offset + match.end()))
            position = match.end()

    def read(self):
        """The term's value (a sympy scalar or Matrix) and, for a bmatrix literal, its entries."""
        value = self.sum()
        if self.index < len(self.tokens):
            raise Failure(f"cannot read `{self.peek()}` here, in `{self.text}`", self.here())
        return value, self.entries.get(id(value))

    def peek(self, ahead: int = 0) -> str:
        index = self.index + ahead
        return self.tokens[index][1] if index < len(self.tokens) else ""

    def here(self) -> int:
        return (
            self.tokens[self.index][2]
            if self.index < len(self.tokens)
            else (self.offset + len(self.text))
        )

    def take(self, expected: str | None = None) -> tuple[str, str, int, int]:
        if self.index >= len(self.tokens) or expected not in (None, self.peek()):
            found = f"`{self.peek()}`" if self.peek() else "the end"
            raise Failure(
                f"expected {f'`{expected}`' if expected else 'more'}, found {found}, "
                f"in `{self.text}`",
                self.here(),
            )
        self.index += 1
        return self.tokens[self.index - 1]

    def raw_group(self) -> str:
        """The source inside ``{...}``."""
        start, depth = self.take("{")[3], 1
        while depth:
            token = self.take()
            depth += {"{": 1, "}": -1}.get(token[1], 0)
        return self.text[start - self.offset : token[2] - self.offset]

    def sum(self):
        sign = self.take()[1] if self.peek() in ("+", "-") else "+"
        value = self.product()
        value = -value if sign == "-" else value
        while self.peek() in ("+", "-"):
            at, operator = self.here(), self.take()[1]
            right = self.product()
            value = _add(value, right if operator == "+" else -right, at)
        return value

    def product(self):
        value = self.juxtaposed()
        while self.peek() in _PRODUCTS:
            at, operator = self.here(), self.take()[1]
            right = self.juxtaposed()
            value = (
                _divide(value, right, at)
                if operator == "/"
                else _multiply(value, right, at, operator)
            )
        return value

    def juxtaposed(self):
        value = self.power()
        while self.index < len(self.tokens) and self.starts_factor():
            at = self.here()
            value = _multiply(value, self.power(), at, "")
        return value

    def starts_factor(self) -> bool:
        kind, token = self.tokens[self.index][:2]
        return (
            kind in ("number", "letter")
            or token in ("(", "[", "{")
            or (kind == "command" and token not in _PRODUCTS and token != "\\end")
        )

    def power(self):
        value = self.atom()
        while self.peek() == "^":
            at = self.take()[2]
            if self.peek() in _TRANSPOSE or (
                self.peek() == "{" and self.peek(1) in _TRANSPOSE and self.peek(2) == "}"
            ):
                for _ in range(1 if self.peek() in _TRANSPOSE else 3):
                    self.take()
                value = value.T if _is_matrix(value) else value
            else:
                value = _power(value, self.group(), at)
        return value

    def group(self):
        """``{expression}``, or a single digit or letter."""
        if self.peek() == "{":
            self.take()
            value = self.sum()
            self.take("}")
            return value
        kind, token, at, _ = (
            self.tokens[self.index] if self.index < len(self.tokens) else ("", "", self.here(), 0)
        )
        if kind not in ("number", "letter") or len(token) > 1:
            raise Failure(f"write the argument in braces: `{{{token}}}`, in `{self.text}`", at)
        return self.atom()

    def atom(self):
        kind, token, at, _ = self.take()
        if kind == "number":
            return sympy.Rational(token)
        if kind == "letter":
            return self.variable(token, at)
        if token in ("(", "[", "{"):
            value = self.sum()
            self.take({"(": ")", "[": "]", "{": "}"}[token])
            return value
        if token in ("\\frac", "\\dfrac", "\\tfrac"):
            start = self.index
            numerator, denominator = self.raw_group(), self.raw_group()
            if re.fullmatch(r"\s*d\s*[A-Za-z]?\s*", numerator) and re.match(
                r"\s*d\s*[A-Za-z]", denominator
            ):
                raise Notation("d/dx", at)
            self.index = start
            numerator = self.group()
            return _divide(numerator, self.group(), at)
        if token in {f"\\{name}" for name in FUNCTIONS} | {"\\ln"}:
            function = getattr(sympy, "log" if token == "\\ln" else token[1:])
            argument = self.group() if token == "\\sqrt" else self.power()
            return argument.applyfunc(function) if _is_matrix(argument) else function(argument)
        if token == "\\operatorname":
            name = self.raw_group().strip()
            if name != "diag":
                raise Failure(f"unknown operator \\operatorname{{{name}}}", at)
            vector = self.power()
            if not _is_matrix(vector) or 1 not in vector.shape:
                raise Failure("\\operatorname{diag} takes a vector", at)
            return sympy.diag(*vector)
        if token == "\\begin":
            environment = self.raw_group()
            if environment not in ("bmatrix", "pmatrix"):
                raise Failure(f"unsupported environment {environment}", at)
            return self.matrix(environment, at)
        if token in _NOTATION:
            raise Notation(f"{token}", at)
        raise Failure(f"unsupported LaTeX `{token}` in `{self.text}`", at)

    def variable(self, letter: str, at: int):
        name = letter
        if self.peek() == "_":
            self.take()
            index = self.raw_group() if self.peek() == "{" else self.take()[1]
            if not index.strip().isdigit():
                raise Notation(f"the generic index {letter}_{{{index}}}", at)
            name += index.strip()
        if name in self.names:
            return self.names[name]
        raise Failure(
            f"unknown symbol `{_latex_name(name)}`: the directive declares "
            f"{', '.join(map(_latex_name, sorted(self.names))) or 'no variables'}",
            at,
        )

    def matrix(self, environment: str, at: int):
        rows, spans = [[]], [[]]
        while True:
            start = self.here()
            rows[-1].append(self.sum())
            spans[-1].append((start, self.tokens[self.index - 1][3]))
            kind, token, where, _ = self.take()
            if token == "&":
                continue
            if kind == "rowsep" and self.peek() != "\\end":
                rows.append([])
                spans.append([])
                continue
            if kind == "rowsep":
                kind, token, where, _ = self.take()
            if token == "\\end" and self.raw_group() == environment:
                break
            raise Failure(f"unexpected `{token}` in a {environment}", where)
        if len({len(row) for row in rows}) > 1:
            raise Failure(f"the rows of this {environment} differ in length", at)
        if any(_is_matrix(entry) for row in rows for entry in row):
            raise Failure(f"an entry of this {environment} is itself a matrix", at)
        matrix = sympy.Matrix(rows)
        self.entries[id(matrix)] = spans
        return matrix


def _latex_name(name: str) -> str:
    match = _VARIABLE.fullmatch(name)
    return f"{match['letter']}_{{{match['index']}}}" if match["index"] else name


def _add(left, right, at: int):
    if _is_matrix(left) != _is_matrix(right) or (_is_matrix(left) and left.shape != right.shape):
        raise Failure(f"cannot add {_shape(left)} and {_shape(right)}", at)
    return left + right


def _multiply(left, right, at: int, operator: str):
    if not (_is_matrix(left) and _is_matrix(right)):
        return left * right
    if operator == "\\odot" and left.shape == right.shape:
        return left.multiply_elementwise(right)
    if operator == "\\cdot" and left.shape == right.shape and 1 in left.shape:
        return left.dot(right)
    if operator != "\\odot" and left.shape[1] == right.shape[0]:
        return left * right
    raise Failure(
        f"cannot multiply {_shape(left)} by {_shape(right)}"
        + (" element-wise" if operator == "\\odot" else ""),
        at,
    )


def _divide(numerator, denominator, at: int):
    if _is_matrix(denominator):
        raise Failure("cannot divide by a matrix", at)
    return numerator / denominator


def _power(base, exponent, at: int):
    if _is_matrix(exponent):
        raise Failure("an exponent must be a scalar", at)
    if not _is_matrix(base):
        return base**exponent
    if 1 not in base.shape:
        raise Failure("powers apply element-wise to vectors, not to matrices", at)
    return base.applyfunc(lambda entry: entry**exponent)


# --- sybil --------------------------------------------------------------------------------------


class DerivationParser:
    """A sybil parser: one region per display-math block, and per misplaced directive."""

    def __call__(self, document):
        page = os.path.relpath(document.path)
        for derivation in find_derivations(document.text, page):
            yield Region(derivation.start, derivation.end, derivation, evaluate)


def evaluate(example) -> str | None:
    """Sybil's evaluator protocol: a returned string is the failure message."""
    return check(example.parsed)
