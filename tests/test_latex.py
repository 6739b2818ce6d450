"""The LaTeX reader of the derivation checker: the pages' LaTeX into sympy, or a clear refusal."""

import re

import pytest
import sympy

from autograd_site.checks.derivations import Failure, Notation
from autograd_site.checks.derivations.latex import Latex

X = sympy.Matrix(sympy.symbols("x1 x2"))
NAMES = {"x1": X[0], "x2": X[1], "x": X, "v": sympy.Matrix([1, 2]), "h": sympy.Symbol("h")}


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        ("2x_{1}^{3} - x_{2}", 2 * X[0] ** 3 - X[1]),
        (r"\frac{3(1 + h)^{2}}{h}", 3 * (1 + NAMES["h"]) ** 2 / NAMES["h"]),
        (r"\dfrac{1}{2} \cdot 0.5", sympy.Rational(1, 4)),
        ("3x^{2}", sympy.Matrix([3 * X[0] ** 2, 3 * X[1] ** 2])),  # powers of vectors: element-wise
        (r"v \odot x", sympy.Matrix([X[0], 2 * X[1]])),
        (r"v \cdot x", X[0] + 2 * X[1]),
        (r"x^{\intercal} x", sympy.Matrix([[X[0] ** 2 + X[1] ** 2]])),
        (r"\operatorname{diag}\big(2x\big)", sympy.diag(2 * X[0], 2 * X[1])),
        (r"\begin{bmatrix} 1 & 2 \\[1ex] 3 & 4 \end{bmatrix}^{\intercal} v", sympy.Matrix([7, 10])),
        (r"-\left(x_{1} + 1\right)", -X[0] - 1),
        (r"\exp(x_{1}) + \sqrt{x_{2}}", sympy.exp(X[0]) + sympy.sqrt(X[1])),
    ],
)
def test_latex_reads_into_sympy(latex, expected):
    value, _ = Latex(latex, 0, NAMES).read()
    difference = sympy.simplify(value - expected)
    assert difference == (sympy.zeros(*value.shape) if hasattr(value, "shape") else 0)


@pytest.mark.parametrize(
    ("latex", "error", "message"),
    [
        (r"\partial y", Notation, "\\partial"),
        ("x_{i}", Notation, "generic index"),
        (r"x \odot \begin{bmatrix} 1 \end{bmatrix}", Failure, "cannot multiply a 2-by-1 matrix by"),
        ("x + 1", Failure, "cannot add a 2-by-1 matrix and a scalar"),
        (r"\begin{bmatrix} 1 & 2 \\ 3 \end{bmatrix}", Failure, "rows of this bmatrix differ"),
        (r"\begin{matrix} 1 \end{matrix}", Failure, "unsupported environment matrix"),
        ("x_{3}", Failure, "unknown symbol `x_{3}`"),
        ("x_{1} $", Failure, "cannot read `$`"),
    ],
)
def test_latex_that_cannot_be_read_raises(latex, error, message):
    with pytest.raises(error, match=re.escape(message)):
        Latex(latex, 0, NAMES).read()


def test_a_bmatrix_literal_reports_where_each_entry_is():
    value, entries = Latex(r"\begin{bmatrix} 1 & 22 \\ 3 & 4 \end{bmatrix}", 100, NAMES).read()
    assert value.shape == (2, 2)
    assert entries[0][1] == (100 + 20, 100 + 22)


def test_decimals_are_read_exactly():
    """A float 0.1 times 3 is not 3/10, and the symbolic comparison would reject a right term."""
    value, _ = Latex(r"0.1 \cdot 3", 0, {}).read()
    assert value == sympy.Rational(3, 10)
