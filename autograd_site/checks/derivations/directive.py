r"""The directive, ``KIND of F [wrt VARIABLES] [with v=V] [at POINT]``, read into a `Directive`.

F, v and the point are Python expressions, read by sympy's ``parse_expr`` in the variables the
directive names. A `Directive` gives what a block may show (F's value, its derivative, gradient,
Jacobian or vector-Jacobian product): exactly, by sympy, and at the point also in float64 by
``torch.autograd.functional.jacobian`` and by central finite differences, which must agree with
sympy within `TOLERANCE`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from autograd_site import LazyModule
from autograd_site.checks.derivations.failure import Failure

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
VARIABLE = re.compile(r"(?P<letter>[A-Za-z])(?P<index>\d*)")

# Imported on first use: collecting the pages, and pages whose blocks are all illustrative, never
# pay for its import.
sympy = LazyModule("sympy")


@dataclass
class Directive:
    """A directive read into sympy: F, the variables in column order, v and the point."""

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
            match = VARIABLE.fullmatch(symbol.name)
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
            for (row, column), number in each_entry(result):
                reference = numbers["sympy"][row, column]
                if not agree(number, reference, name):
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
    """``KIND of F [wrt VARIABLES] [with v=V] [at POINT]`` (see the package's docstring)."""
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
    if "v" in {VARIABLE.fullmatch(s.name)["letter"] for s in wrt} and v is not None:
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
        elif VARIABLE.fullmatch(name):
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
    if not VARIABLE.fullmatch(name):
        raise Failure(f"`{name}` is not a variable name (a letter and an optional index)")
    return sympy.Symbol(name)


def _natural(symbol) -> tuple:
    match = VARIABLE.fullmatch(symbol.name)  # every symbol was made by _symbol, so it matches
    return (match["letter"], int(match["index"] or 0))


def _point(text: str, wrt: list) -> dict:
    """``x=1``, ``x=[0, 1, 2]``, ``a=[2, 3], b=[6, 4]``, ``a1=2, a2=3``: Symbol -> number."""
    point = {}
    for assignment in re.split(r",(?![^\[]*\])", text):
        name, equals, value = assignment.partition("=")
        value = _sympy(value) if equals else None
        if value is None or not VARIABLE.fullmatch(name.strip()):
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


def each_entry(matrix):
    """Every entry of a sympy Matrix, row by row, with its (row, column)."""
    return (
        ((row, column), matrix[row, column])
        for row in range(matrix.rows)
        for column in range(matrix.cols)
    )


def agree(shown, reference, name: str) -> bool:
    """Whether a value equals the exact one: symbolically for sympy, within `TOLERANCE` else."""
    if name == "sympy":  # the cheapest proofs of zero first, simplify last
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
