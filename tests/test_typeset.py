"""Math typeset by Temml at build time: MathML that browsers draw as TeX would, found in pages and
notebooks with an HTML parser."""

import unicodedata

import pytest
from selectolax.lexbor import LexborHTMLParser

from autograd_site.build.typeset import (
    MathError,
    characters,
    italic,
    render,
    typeset_notebook,
    typeset_page,
)


def core(tex: str, display: bool = False) -> str:
    """The MathML a page gets for ``tex``."""
    (result,) = render([(tex, display)])
    if "error" in result:
        raise ValueError(result["error"])
    return result["html"]


def elements(markup: str, selector: str) -> list:
    return LexborHTMLParser(markup, is_fragment=True).css(selector)


@pytest.mark.parametrize(
    ("tex", "letters"),
    [
        (r"\mathbb{R}", "ℝ"),
        (r"\mathbb{E}", "𝔼"),
        (r"\mathbf{v}", "𝐯"),
        (r"\mathbf{1}", "𝟏"),
        (r"\mathcal{L}", "ℒ"),
        (r"\mathcal{A}", "𝒜"),
        (r"\boldsymbol{x}", "𝒙"),
        (r"\mathfrak{g}", "𝔤"),
        (r"\operatorname{diag}", "diag"),
    ],
)
def test_letters_in_a_style_are_written_in_unicode(tex, letters):
    (token,) = elements(core(tex), "mi, mn")
    assert token.text() == letters
    assert "mathvariant" not in token.attributes


def test_a_style_temml_cannot_write_is_an_error():
    with pytest.raises(ValueError, match=r"writes \\mathbf\{∂\} as a plain ∂"):
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
        (r"(\frac{a}{b})", "false"),  # without \left and \right, as in TeX
    ],
)
def test_left_right_delimiters_stretch_only_around_tall_content(tex, stretchy):
    fences = elements(core(tex), 'mo[fence="true"]')
    assert fences
    assert all(fence.attributes["stretchy"] == stretchy for fence in fences)


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        ("h + x", {"h", "ℎ", "+", "x", "𝑥"}),  # h is the hole Planck's ℎ fills
        (r"\partial", {"∂", "𝜕"}),
        (r"\mathrm{d}", {"d"}),  # mathvariant="normal": drawn upright
    ],
)
def test_the_font_must_hold_the_italic_the_browser_draws(tex, expected):
    # A one-character identifier is drawn in Mathematical Italic unless it says otherwise.
    assert characters(core(tex)) == expected


def test_each_italic_is_the_same_letter_in_mathematical_italic():
    ignored = {"LATIN", "GREEK", "LETTER", "LUNATE", "MATHEMATICAL", "ITALIC"}
    mapped = [c for c in map(chr, range(0x10000)) if italic(c) and unicodedata.name(c, "")]
    assert {"a", "Z", "α", "Ω", "∂", "∇", "ϵ"} <= set(mapped)
    for character in mapped:
        name = unicodedata.name(italic(character))
        if character == "h":
            assert name == "PLANCK CONSTANT"
            continue
        assert name.startswith("MATHEMATICAL ITALIC ")
        assert set(name.split()) - ignored == set(unicodedata.name(character).split()) - ignored


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
    signs = [mo for mo in elements(core(tex), "mo") if mo.text() in "+−"]
    assert signs
    assert all((sign.attributes.get("form") == "prefix") == prefix for sign in signs)


def test_bars_that_are_delimiters_get_no_space_and_mid_keeps_its_space():
    # MathML Core's operator dictionary gives | no space as a prefix or a postfix.
    bars = elements(core(r"\lvert x \rvert"), "mo")
    assert [bar.attributes.get("form") for bar in bars] == ["prefix", "postfix"]
    assert not any("lspace" in bar.attributes for bar in bars)
    (mid,) = [mo for mo in elements(core(r"\{x \mid x > 0\}"), "mo") if mo.text() == "|"]
    assert mid.attributes["lspace"] == mid.attributes["rspace"] != "0em"


@pytest.mark.parametrize(
    ("tex", "space"), [(r"\log x", True), (r"\log(x)", False), (r"\log", False)]
)
def test_a_function_name_is_spaced_from_its_argument_unless_a_delimiter_or_nothing_follows(
    tex, space
):
    assert ('<mo>\u2061</mo><mspace width="0.1667em">' in core(tex)) == space


def test_the_font_must_hold_the_radical_sign_of_a_root():
    assert "√" in characters(core(r"\sqrt{x}"))


def test_a_page_gets_mathml_in_each_arithmatex_element_and_nothing_else_changes():
    code = "<pre><code>&lt;span class=&quot;arithmatex&quot;&gt;\\(y\\)&lt;/span&gt;</code></pre>"
    content = (
        '<p>Let <span class="arithmatex">\\(x &lt; 1\\)</span>, &para;</p>\n'
        '<div class="arithmatex">\\[\\frac{a}{b}\\]</div>\n' + code
    )
    inline, display = core("x < 1"), core(r"\frac{a}{b}", display=True)
    page, count = typeset_page(content, "page.md", "")
    assert count == 2
    assert page == (
        f'<p>Let <span class="arithmatex">{inline}</span>, ¶</p>\n'
        f'<div class="arithmatex">{display}</div>\n'
        '<pre><code>&lt;span class="arithmatex"&gt;\\(y\\)&lt;/span&gt;</code></pre>'
    )


def test_a_page_without_math_is_left_as_it_is():
    content = "<p>No math, &para; &quot;as written&quot;.</p>"
    assert typeset_page(content, "page.md", "") == (content, 0)


def test_malformed_latex_names_page_line_and_the_renderers_message():
    tex = r"\frac{1}{2"
    (result,) = render([(tex, False)])
    source = f"# Title\n\nA half, \\({tex}\\).\n"
    with pytest.raises(MathError) as raised:
        typeset_page(f'<p><span class="arithmatex">\\({tex}\\)</span></p>', "page.md", source)
    assert str(raised.value) == f"page.md:3: cannot typeset {tex!r}: {result['error']}"


NOTEBOOK = """<style>.jp-Cell {}</style>
<!-- Load mathjax -->
<script src=""> </script>
<!-- MathJax configuration -->
<script type="text/x-mathjax-config">init_mathjax();</script>
<!-- End of mathjax configuration --><script type="module">
  const m = await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/mermaid.esm.min.mjs");
</script>
<script type="module">document.body.dataset.kept = "yes";</script>
<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell">
<p>For $f(x) = x^2$, <code>f"{x:$>5}"</code> or $$y$$ here.</p>
<p>$$J = \\begin{bmatrix} a &amp; b \\end{bmatrix},$$</p>
</div>
<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><pre>print("$a$")</pre></div>
"""


def test_a_notebook_gets_mathml_for_its_markdown_dollars_and_loses_mathjax_and_the_cdn():
    page, count = typeset_notebook(NOTEBOOK, "notebooks/n.ipynb", "")
    assert count == 3
    inline, between, display = (
        core("f(x) = x^2"),
        core("y", True),
        core(r"J = \begin{bmatrix} a & b \end{bmatrix},", True),
    )
    assert page == (
        "<style>.jp-Cell {}</style>\n\n\n\n\n\n"
        '<script type="module">document.body.dataset.kept = "yes";</script>\n'
        '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell">\n'
        f'<p>For <span class="arithmatex">{inline}</span>, <code>f"{{x:$&gt;5}}"</code> or '
        f'<div class="arithmatex">{between}</div> here.</p>\n'
        f'<div class="arithmatex">{display}</div>\n'
        "</div>\n"
        '<div class="jp-Cell jp-CodeCell jp-Notebook-cell"><pre>print("$a$")</pre></div>\n'
    )
