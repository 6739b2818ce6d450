"""KaTeX's MathML 3 made fit for MathML Core, which browsers implement."""

import re

import pytest

from autograd_site.build.typeset import characters, render


def core(tex: str) -> str:
    """The MathML a page gets for ``tex``, without its TeX annotation."""
    (result,) = render([(tex, False)])
    if "error" in result:
        raise ValueError(result["error"])
    return re.sub(r"<annotation.*</annotation>", "", result["html"])


@pytest.mark.parametrize(
    ("tex", "letters"),
    [
        (r"\mathbb{R}", '<mi mathvariant="normal">ℝ</mi>'),
        (r"\mathbb{E}", '<mi mathvariant="normal">𝔼</mi>'),
        (r"\mathbf{v}", '<mi mathvariant="normal">𝐯</mi>'),
        (r"\mathbf{1}", '<mn mathvariant="normal">𝟏</mn>'),
        (r"\mathcal{L}", '<mi mathvariant="normal">ℒ</mi>'),
        (r"\mathcal{A}", '<mi mathvariant="normal">𝒜</mi>'),
        (r"\boldsymbol{x}", '<mi mathvariant="normal">𝒙</mi>'),
        (r"\mathfrak{g}", '<mi mathvariant="normal">𝔤</mi>'),
        (r"\operatorname{diag}", '<mi mathvariant="normal">diag</mi>'),
    ],
)
def test_letters_in_a_variant_are_written_in_unicode(tex, letters):
    assert letters in core(tex)


def test_a_variant_without_a_unicode_form_is_an_error():
    with pytest.raises(ValueError, match="cannot show '∂' as bold"):
        core(r"\mathbf{\partial}")


@pytest.mark.parametrize(("tex", "prime"), [("f'(x)", "′"), ("f''(x)", "″"), ("f'''(x)", "‴")])
def test_primes_are_glyphs_after_their_base_not_superscripts(tex, prime):
    math = core(tex)
    assert "msup" not in math
    assert f'<mi>f</mi><mo lspace="0em" rspace="0em">{prime}</mo>' in math


@pytest.mark.parametrize(
    ("tex", "stretchy"),
    [
        (r"\nabla\left(\nabla f \cdot v\right)", "false"),
        (r"\log\left(1 + e^{-\left\lvert x \right\rvert}\right)", "false"),
        (r"\left(\frac{a}{b}\right)", "true"),
        (r"\left.\frac{dy}{dx}\right|_{x=2}", "true"),
        (r"\left(\sum_i x_i\right)", "true"),
        (r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}", "true"),
    ],
)
def test_left_right_delimiters_stretch_only_around_tall_content(tex, stretchy):
    fences = re.findall(r'<mo fence="true"[^>]*>', core(tex))
    assert fences
    assert all(f'stretchy="{stretchy}"' in fence for fence in fences)


def test_the_font_must_hold_the_italic_the_browser_draws():
    # One-letter identifiers are drawn in Mathematical Italic; h is the hole Planck's ℎ fills.
    assert characters("<mi>h</mi><mo>+</mo><mi>x</mi>") == {"h", "ℎ", "+", "x", "𝑥"}


@pytest.mark.parametrize(
    ("tex", "prefix"),
    [
        (r"\exp(-x)", True),
        ("a = -12", True),
        ("[-1, +2]", True),
        ("a - b", False),
        ("(a) - b", False),
        (r"\lvert x \rvert - 1", False),
    ],
)
def test_a_sign_after_an_operator_is_a_prefix_as_in_tex(tex, prefix):
    assert ('form="prefix"' in core(tex)) == prefix


def test_bars_that_are_delimiters_get_no_space_and_mid_keeps_its_space():
    assert core(r"\lvert x \rvert").count('lspace="0em" rspace="0em"') == 2
    assert "lspace" not in core(r"\{x \mid x > 0\}")


@pytest.mark.parametrize(("tex", "space"), [(r"\log x", True), (r"\log(x)", False)])
def test_a_function_name_is_spaced_from_its_argument_unless_a_delimiter_follows(tex, space):
    assert ('<mo rspace="0.1667em">\u2061</mo>' in core(tex)) == space


def test_the_font_must_hold_the_radical_sign_of_a_root():
    assert "√" in characters(core(r"\sqrt{x}"))
