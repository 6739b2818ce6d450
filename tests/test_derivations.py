r"""The derivation checker: it accepts the pages' derivations and bites on every kind of mistake."""

import pytest
from sybil import Document
from sybil.example import SybilFailure

from autograd_site.checks.derivations import DerivationParser, check
from autograd_site.directives import MISPLACED, find_derivations

Q = "[3*a1**3 - b1**2, 3*a2**3 - b2**2]"
Q_VALUE = rf"""
<!-- derivation: value of {Q} wrt a1, b1, a2, b2 -->
$$
Q = 3a^{{3}} - b^{{2}} =
\begin{{bmatrix}}
3a_{{1}}^{{3}} - b_{{1}}^{{2}} \\
3a_{{2}}^{{3}} - b_{{2}}^{{2}}
\end{{bmatrix}}.
$$
"""
Q_JACOBIAN = rf"""
<!-- derivation: jacobian of {Q} wrt a1, b1, a2, b2 -->
$$
J =
\begin{{bmatrix}}
\dfrac{{\partial Q_{{1}}}}{{\partial a_{{1}}}} & \dfrac{{\partial Q_{{1}}}}{{\partial b_{{1}}}} &
\dfrac{{\partial Q_{{1}}}}{{\partial a_{{2}}}} &
\dfrac{{\partial Q_{{1}}}}{{\partial b_{{2}}}} \\[1ex]
\dfrac{{\partial Q_{{2}}}}{{\partial a_{{1}}}} & \dfrac{{\partial Q_{{2}}}}{{\partial b_{{1}}}} &
\dfrac{{\partial Q_{{2}}}}{{\partial a_{{2}}}} & \dfrac{{\partial Q_{{2}}}}{{\partial b_{{2}}}}
\end{{bmatrix}}
=
\begin{{bmatrix}}
9a_{{1}}^{{2}} & -2b_{{1}} & 0 & 0 \\
0 & 0 & 9a_{{2}}^{{2}} & -2b_{{2}}
\end{{bmatrix}}.
$$
"""
Q_AT_THE_POINT = rf"""
<!-- derivation: vjp of {Q} wrt a1, b1, a2, b2 with v=[1, 1] at a=[2, 3], b=[6, 4] -->
$$
J =
\begin{{bmatrix}}
36 & -12 & 0 & 0 \\
0 & 0 & 81 & -8
\end{{bmatrix}},
\qquad
J^{{\intercal}} v =
\begin{{bmatrix}}
36 & 0 \\
-12 & 0 \\
0 & 81 \\
0 & -8
\end{{bmatrix}}
\begin{{bmatrix}} 1 \\ 1 \end{{bmatrix}}
=
\begin{{bmatrix}} 36 \\ -12 \\ 81 \\ -8 \end{{bmatrix}}.
$$
"""
POLYNOMIAL = r"""
<!-- derivation: derivative of 2*x**4 + x**3 + 3*x**2 + 5*x + 1 wrt x at x=2 -->
$$
\frac{dy}{dx} = 8x^{3} + 3x^{2} + 6x + 5,
\qquad
\left.\frac{dy}{dx}\right|_{x=2} = 64 + 12 + 12 + 5 = 93.
$$
"""
PARABOLA = r"""
<!-- derivation: derivative of 3*x**2 - 4*x wrt x at x=1 -->
$$
f'(x) = 6x - 4, \qquad f'(1) = 2.
$$
"""
DOT_PRODUCT = r"""
<!-- derivation: gradient of x1**2 + x2**2 + x3**2 + x4**2 wrt x1, x2, x3, x4 at x=[0, 1, 2, 3] -->
$$
\frac{\partial y}{\partial x_{i}} = 2x_{i},
\qquad
\nabla_{x} y = 2x =
\begin{bmatrix} 0 \\ 2 \\ 4 \\ 6 \end{bmatrix}.
$$
"""
SUM = r"""
<!-- derivation: gradient of x1 + x2 + x3 + x4 wrt x1, x2, x3, x4 -->
$$
\nabla_{x} \sum_{i} x_{i} =
\begin{bmatrix} 1 \\ 1 \\ 1 \\ 1 \end{bmatrix}.
$$
"""
SQUARE = r"""
<!-- derivation: jacobian of [x1**2, x2**2, x3**2] wrt x1, x2, x3 -->
$$
J =
\begin{bmatrix}
2x_{1} & 0 & 0 \\
0 & 2x_{2} & 0 \\
0 & 0 & 2x_{3}
\end{bmatrix}
= \operatorname{diag}(2x).
$$
"""
SQUARE_VJP = r"""
<!-- derivation: vjp of [x1**2, x2**2, x3**2] wrt x1, x2, x3 with v=[1, 1, 1] at x=[0, 1, 2] -->
$$
J^{\intercal} v =
\begin{bmatrix}
0 & 0 & 0 \\
0 & 2 & 0 \\
0 & 0 & 4
\end{bmatrix}
\begin{bmatrix} 1 \\ 1 \\ 1 \end{bmatrix}
=
\begin{bmatrix} 0 \\ 2 \\ 4 \end{bmatrix}.
$$
"""
CUBE_VJP = r"""
<!-- derivation: vjp of [x1**3, x2**3, x3**3] wrt x1, x2, x3 with v=[1, 1/2, 2] at x=[1, 2, 3] -->
$$
J^{\intercal} v = v \odot 3x^{2} =
\begin{bmatrix} 1 \cdot 3 \\ 0.5 \cdot 12 \\ 2 \cdot 27 \end{bmatrix}
=
\begin{bmatrix} 3 \\ 6 \\ 54 \end{bmatrix}.
$$
"""
DIFFERENCE_QUOTIENT = r"""
<!-- derivation: value of (3*(1 + h)**2 - 4*(1 + h) - (3*1**2 - 4*1))/h wrt h -->
$$
\frac{f(1 + h) - f(1)}{h} = \frac{3(1 + h)^{2} - 4(1 + h) + 1}{h} = \frac{2h + 3h^{2}}{h} = 2 + 3h,
$$
"""
CORRECT = [
    Q_VALUE,
    Q_JACOBIAN,
    Q_AT_THE_POINT,
    POLYNOMIAL,
    PARABOLA,
    DOT_PRODUCT,
    SUM,
    SQUARE,
    SQUARE_VJP,
    CUBE_VJP,
    DIFFERENCE_QUOTIENT,
]
PROSE = "# A page\n\nSome prose.\n"  # three lines, so that a block's directive is on line 5


def failures(block: str, old: str = "", new: str = "") -> list[str]:
    """The failure messages of a page holding ``block``, with ``old`` replaced by ``new``."""
    text = PROSE + block
    if old:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return [message for d in find_derivations(text, "docs/page.md") if (message := check(d))]


def line_of(block: str, fragment: str) -> int:
    return (PROSE + block)[: (PROSE + block).index(fragment)].count("\n") + 1


# --- correct derivations pass, mistakes fail with page, line, entry, shown and correct ----------


@pytest.mark.parametrize("block", CORRECT)
def test_a_correct_derivation_passes(block):
    assert failures(block) == []


def test_the_seed_typo_in_q_is_rejected():
    [message] = failures(Q_VALUE, r"3a_{1}^{3} - b_{1}^{2}", r"3a_{1}^{3} - 3b_{1}^{2}")
    line = line_of(Q_VALUE, r"3a_{1}^{3}")
    assert message == (
        f"docs/page.md:{line}: `Q`, entry (row 1, column 1): the page shows "
        "`3a_{1}^{3} - 3b_{1}^{2}`, correct is `3 a_{1}^{3} - b_{1}^{2}`"
    )


def test_the_seed_typo_in_the_vector_form_of_q_is_rejected():
    [message] = failures(Q_VALUE, "Q = 3a^{3} - b^{2}", "Q = 3a^{3} - 3b^{2}")
    assert message.startswith(
        f"docs/page.md:{line_of(Q_VALUE, 'Q = ')}: `Q`, entry (row 1, column 1): the page shows "
        "`3a^{3} - 3b^{2}` (= 3 a_{1}^{3} - 3 b_{1}^{2}), correct is `3 a_{1}^{3} - b_{1}^{2}`"
    )


def test_a_wrong_jacobian_entry_is_rejected():
    [message] = failures(Q_JACOBIAN, "-2b_{1} & 0", "-2a_{1} & 0")
    assert message == (
        f"docs/page.md:{line_of(Q_JACOBIAN, '9a_{1}^{2} &')}: `J`, entry (row 1, "
        "column 2): the page shows `-2a_{1}`, correct is `- 2 b_{1}`"
    )


def test_a_wrong_number_in_a_jacobian_is_rejected_against_sympy_torch_and_differences():
    [message] = failures(Q_AT_THE_POINT, "0 & 0 & 81 & -8\n", "0 & 0 & 80 & -8\n")
    assert message.startswith(
        f"docs/page.md:{line_of(Q_AT_THE_POINT, '0 & 0 & 81')}: `J`, "
        "entry (row 2, column 3): the page shows `80`, correct is `81` "
        "(sympy: 81, torch: 81, finite differences: 81.0000000"
    )


def test_a_wrong_vector_jacobian_product_is_rejected():
    [message] = failures(Q_AT_THE_POINT, r"36 \\ -12 \\ 81 \\ -8", r"36 \\ -12 \\ -8 \\ 81")
    assert "`J^{\\intercal} v`, entry (row 3, column 1): the page shows `-8`, correct is `81`" in (
        message
    )


def test_a_wrong_polynomial_derivative_is_rejected():
    [message] = failures(POLYNOMIAL, "6x + 5,", "6x + 4,")
    assert message == (
        f"docs/page.md:{line_of(POLYNOMIAL, '8x^')}: `\\frac{{dy}}{{dx}}`: the page "
        "shows `8x^{3} + 3x^{2} + 6x + 4`, correct is `8 x^{3} + 3 x^{2} + 6 x + 5`"
    )


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("= 93.", "= 92.", "`92`"),  # the final right-hand side
        ("12 + 5 =", "12 + 4 =", "`64 + 12 + 12 + 4` (= 92)"),  # an intermediate
    ],
)
def test_a_wrong_value_at_the_point_is_rejected(old, new, shown):
    [message] = failures(POLYNOMIAL, old, new)
    assert f"the page shows {shown}, correct is `93` (sympy: 93, torch: 93, finite" in message


def test_a_component_with_a_generic_index_is_checked_for_every_index():
    [message] = failures(DOT_PRODUCT, "= 2x_{i},", "= 2x_{i} + 1,")
    assert (
        "entry (row 1, column 1): the page shows `2x_{i} + 1` (= 2 x_{1} + 1), correct is "
        "`2 x_{1}`" in message
    )


def test_an_evaluation_point_that_is_not_the_declared_one_is_rejected():
    [message] = failures(PARABOLA, "f'(1) = 2", "f'(2) = 2")
    assert "the left side `f'(2)` evaluates at x = 2, but the directive declares 1" in message


def test_a_jacobian_at_a_point_names_the_declared_point():
    assert failures(Q_AT_THE_POINT, "J =\n", "J(2, 6, 3, 4) =\n") == []
    [message] = failures(Q_AT_THE_POINT, "J =\n", "J(2, 6, 3, 5) =\n")
    assert "the left side `J(2, 6, 3, 5)` evaluates at b2 = 5, but the directive declares 4" in (
        message
    )
    [message] = failures(Q_AT_THE_POINT, "J =\n", "J(2, 6) =\n")
    assert "`J(2, 6)` gives 2 coordinates, but the directive differentiates with respect to 4" in (
        message
    )


def test_a_matrix_of_the_wrong_shape_is_rejected():
    [message] = failures(DOT_PRODUCT, r"0 \\ 2 \\ 4 \\ 6", r"0 \\ 2 \\ 4")
    assert "`\\nabla_{x} y` is a 4-by-1 matrix, but the page shows a 3-by-1 matrix" in message


def test_numbers_without_a_declared_point_are_rejected():
    [message] = failures(SQUARE, "= \\operatorname{diag}(2x).", "= \\operatorname{diag}(2x) = 2.")
    assert "`J` is a 3-by-3 matrix, but the page shows a scalar" in message
    [message] = failures(SQUARE_VJP, " at x=[0, 1, 2]", "")
    assert "the page shows numbers, but the directive declares no point" in message


# --- nothing passes silently ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("= 2 + 3h,", r"= 2 + 3h \alpha,", "unsupported LaTeX `\\alpha`"),
        ("= 2 + 3h,", "= 2 + 3y,", "unknown symbol `y`: the directive declares h"),
        ("= 2 + 3h,", "= 2 + 3h^23,", "write the argument in braces: `{23}`"),
        ("{2h + 3h^{2}}{h}", "{2h + 3h^{2}}{h", "unbalanced braces or environments"),
        ("= 2 + 3h,", r"= \frac{d}{dh} h,", "must be a concrete expression, not notation (d/dx)"),
        ("= 2 + 3h,", "= 2 + 3h = ,", "expected more, found the end"),
    ],
)
def test_unreadable_latex_in_a_checked_block_fails_clearly(old, new, expected):
    [message] = failures(DIFFERENCE_QUOTIENT, old, new)
    line = line_of(DIFFERENCE_QUOTIENT, "= \\frac{3(1")
    assert message.startswith(f"docs/page.md:{line}: ")
    assert expected in message


def test_terms_in_notation_are_skipped_but_not_the_last():
    assert failures(Q_JACOBIAN) == []  # its first term is a matrix of partial derivatives
    [message] = failures(SUM, r"\begin{bmatrix} 1 \\ 1 \\ 1 \\ 1 \end{bmatrix}", r"\sum_{i} 1")
    assert "the last term of `\\nabla_{x} \\sum_{i} x_{i} = ...` must be a concrete expression" in (
        message
    )


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("$$\nJ = 1\n$$\n", "docs/page.md:4: display math with no derivation directive"),
        ("\\[\nJ = 1\n\\]\n", "docs/page.md:4: display math with no derivation directive"),
        (
            "<!-- derivation: illustrative -->\n\n$$\nJ = 1\n$$\n",
            f"docs/page.md:4: {MISPLACED}",
        ),
        (
            "<!-- derivation: illustrative\n-->\n$$\nJ = 1\n$$\n",
            "docs/page.md:4: a derivation directive is one line",
        ),
        (
            "<!-- derivation: jacobain of x wrt x -->\n$$\nJ = 1\n$$\n",
            "docs/page.md:4: cannot read the directive `jacobain of x wrt x`",
        ),
        (
            "<!-- derivation: jacobian of [x1, x2] wrt x1 -->\n$$\nJ = 1\n$$\n",
            "`wrt` must name every variable of F",
        ),
        (
            "<!-- derivation: jacobian of x wrt x with v=[1] -->\n$$\nJ = 1\n$$\n",
            "a vjp directive, and only it, gives `with v=[...]`",
        ),
        (
            "<!-- derivation: derivative of x*y wrt x, y -->\n$$\nJ = 1\n$$\n",
            "a derivative is of a scalar function of one variable",
        ),
        (
            "<!-- derivation: jacobian of [a1, a2] at a=[1] -->\n$$\nJ = 1\n$$\n",
            "the point `a=[1]` must give exactly the variables a1, a2",
        ),
        ("<!-- derivation: jacobian of Q1 + alpha -->\n$$\nJ = 1\n$$\n", "unknown name `alpha`"),
        (
            "<!-- derivation: value of x -->\n$$\ny = x\n$$\n\n<!-- derivation: illustrative -->",
            f"docs/page.md:9: {MISPLACED}",
        ),
        (
            "<!-- derivation: gradient of x wrt x -->\n$$\nJ = 1\n$$\n",
            "the left side `J` names the jacobian, which a gradient block does not show",
        ),
        (
            "<!-- derivation: derivative of x wrt x -->\n$$\nf'(x) = 1 \\quad f'(x) = 1\n$$\n",
            "unsupported LaTeX `\\quad`",
        ),
        ("<!-- derivation: value of x -->\n$$\nx + 1\n$$\n", "a checked block holds equations"),
    ],
)
def test_a_page_whose_derivations_cannot_be_checked_fails(page, expected):
    messages = failures(page)
    assert messages
    assert expected in messages[0], messages


def test_display_math_inside_a_code_fence_is_not_a_derivation():
    assert find_derivations("```text\n$$\nJ = 1\n$$\n```\n", "docs/page.md") == []


# --- through sybil, as pytest runs the pages ------------------------------------------------------


def test_sybil_reports_a_wrong_derivation_with_page_and_line(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(PROSE + POLYNOMIAL.replace("= 93.", "= 92.") + SUM, encoding="utf-8")
    examples = list(Document.parse(str(path), DerivationParser()))
    assert len(examples) == 2
    line = line_of(POLYNOMIAL, "\\left.")
    with pytest.raises(SybilFailure, match=rf"page\.md:{line}: .* shows `92`, correct is `93`"):
        examples[0].evaluate()
    examples[1].evaluate()
