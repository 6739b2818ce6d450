"""KaTeX's MathML 3 made fit for MathML Core, which browsers implement."""

import pytest

from tutorial_tools.typeset import characters, mathml_core


@pytest.mark.parametrize(
    ("katex", "core"),
    [
        ('<mi mathvariant="double-struck">R</mi>', '<mi mathvariant="normal">ℝ</mi>'),
        ('<mi mathvariant="double-struck">E</mi>', '<mi mathvariant="normal">𝔼</mi>'),
        ('<mi mathvariant="bold">v</mi>', '<mi mathvariant="normal">𝐯</mi>'),
        ('<mn mathvariant="bold">1</mn>', '<mn mathvariant="normal">𝟏</mn>'),
        ('<mi mathvariant="normal">diag</mi>', '<mi mathvariant="normal">diag</mi>'),
    ],
)
def test_letters_in_a_variant_are_written_in_unicode(katex, core):
    assert mathml_core(katex) == core


def test_a_variant_without_a_unicode_form_is_an_error():
    with pytest.raises(ValueError, match="cannot show 'g' as fraktur"):
        mathml_core('<mi mathvariant="fraktur">g</mi>')


def test_the_font_must_hold_the_italic_the_browser_draws():
    # One-letter identifiers are drawn in Mathematical Italic; h is the hole Planck's ℎ fills.
    assert characters("<mi>h</mi><mo>+</mo><mi>x</mi>") == {"h", "ℎ", "+", "x", "𝑥"}
