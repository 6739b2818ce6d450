"""The derivation directive: what it declares, and sympy, torch and finite differences held to
agree at its point."""

import pytest
import sympy

from autograd_site.checks.derivations import Failure, parse_directive

Q = "[3*a1**3 - b1**2, 3*a2**3 - b2**2]"


def test_the_directive_reads_vectors_at_a_point_and_orders_columns_as_declared():
    directive = parse_directive(
        f"vjp of {Q} wrt a1, b1, a2, b2 with v=[1, 1] at a=[2, 3], b=[6, 4]"
    )
    a1, b1, a2, b2 = sympy.symbols("a1 b1 a2 b2")
    assert directive.wrt == [a1, b1, a2, b2]
    assert directive.point == {a1: 2, a2: 3, b1: 6, b2: 4}
    assert directive.expected("jacobian") == sympy.Matrix(
        [[9 * a1**2, -2 * b1, 0, 0], [0, 0, 9 * a2**2, -2 * b2]]
    )
    numbers = directive.numbers("vjp", 0)
    assert list(numbers) == ["sympy", "torch", "finite differences"]
    assert numbers["sympy"] == sympy.Matrix([36, -12, 81, -8])
    assert list(directive.numbers("value", 0)) == ["sympy", "torch"]  # a value has no derivative


@pytest.mark.parametrize(
    ("computed", "name", "number"),
    [
        ((sympy.Matrix([-1]), sympy.Matrix([2.5]), sympy.Matrix([2])), "torch", "2.5"),
        (
            (sympy.Matrix([-1]), sympy.Matrix([2]), sympy.Matrix([2.01])),
            "finite differences",
            "2.01",
        ),
    ],
)
def test_torch_and_finite_differences_must_agree_with_sympy(monkeypatch, computed, name, number):
    directive = parse_directive("derivative of 3*x**2 - 4*x wrt x at x=1")
    monkeypatch.setitem(directive.__dict__, "_torch", computed)  # F, its Jacobian, differences
    expected = rf"sympy \(2\) and {name} \({number}\) disagree on the derivative, row 1, column 1"
    with pytest.raises(Failure, match=expected):
        directive.numbers("derivative", 0)
