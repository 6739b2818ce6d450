r"""The LaTeX reader: one term of an equation, in the pages' restricted LaTeX, read into sympy.

A recursive-descent parser over tokens that keep their offsets in the page, so that a failure
names its page line and a bmatrix literal tells where each of its entries is. It reads numbers
(decimals exactly: ``0.5`` is 1/2), variables (``x_{1}``) and the names the directive gives
(``x``, the vector of indexed variables; ``v``), ``+`` and ``-``, products (``\cdot``, ``\times``,
``\odot``, ``/`` and juxtaposition, matrix products included), ``\frac``, powers, ``^{\intercal}``,
``\operatorname{diag}``, functions, brackets (``\left( \right)``, ``\big(``) and bmatrix and
pmatrix environments. Powers and functions of a vector act element-wise. Notation (∂, ∇, Σ, d/dx,
a generic index, ...) raises `Notation`; anything else it cannot read raises `Failure`.
"""

from __future__ import annotations

import re

from autograd_site import LazyModule
from autograd_site.checks.derivations.directive import FUNCTIONS, VARIABLE
from autograd_site.checks.derivations.failure import Failure, Notation

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


sympy = LazyModule("sympy")


def is_matrix(value) -> bool:
    """Whether a value the reader made is a sympy Matrix (else it is a scalar)."""
    return hasattr(value, "shape")


def shape_of(value) -> str:
    """A value's shape, in words, for failure messages."""
    return "a {}-by-{} matrix".format(*value.shape) if is_matrix(value) else "a scalar"


class Latex:
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
                value = value.T if is_matrix(value) else value
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
            return argument.applyfunc(function) if is_matrix(argument) else function(argument)
        if token == "\\operatorname":
            name = self.raw_group().strip()
            if name != "diag":
                raise Failure(f"unknown operator \\operatorname{{{name}}}", at)
            vector = self.power()
            if not is_matrix(vector) or 1 not in vector.shape:
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
        if any(is_matrix(entry) for row in rows for entry in row):
            raise Failure(f"an entry of this {environment} is itself a matrix", at)
        matrix = sympy.Matrix(rows)
        self.entries[id(matrix)] = spans
        return matrix


def _latex_name(name: str) -> str:
    match = VARIABLE.fullmatch(name)
    return f"{match['letter']}_{{{match['index']}}}" if match["index"] else name


def _add(left, right, at: int):
    if is_matrix(left) != is_matrix(right) or (is_matrix(left) and left.shape != right.shape):
        raise Failure(f"cannot add {shape_of(left)} and {shape_of(right)}", at)
    return left + right


def _multiply(left, right, at: int, operator: str):
    if not (is_matrix(left) and is_matrix(right)):
        return left * right
    if operator == "\\odot" and left.shape == right.shape:
        return left.multiply_elementwise(right)
    if operator == "\\cdot" and left.shape == right.shape and 1 in left.shape:
        return left.dot(right)
    if operator != "\\odot" and left.shape[1] == right.shape[0]:
        return left * right
    raise Failure(
        f"cannot multiply {shape_of(left)} by {shape_of(right)}"
        + (" element-wise" if operator == "\\odot" else ""),
        at,
    )


def _divide(numerator, denominator, at: int):
    if is_matrix(denominator):
        raise Failure("cannot divide by a matrix", at)
    return numerator / denominator


def _power(base, exponent, at: int):
    if is_matrix(exponent):
        raise Failure("an exponent must be a scalar", at)
    if not is_matrix(base):
        return base**exponent
    if 1 not in base.shape:
        raise Failure("powers apply element-wise to vectors, not to matrices", at)
    return base.applyfunc(lambda entry: entry**exponent)
