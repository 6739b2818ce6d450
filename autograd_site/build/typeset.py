r"""Math typeset at build time: every formula of a page becomes MathML.

Readers get finished math with the page: MathML that the browser lays out itself, with one small
stylesheet and one font (STIX Two Math, cut down to the characters the site's formulas use); no
script, no waiting. Temml writes the MathML for MathML Core, the MathML that browsers implement;
it runs in Node (``render_math.mjs``). Malformed LaTeX fails the build with the page, the line and
Temml's message instead of showing a red error to readers. Results are cached in .cache/math by
formula, so `mkdocs serve` re-renders only what changed.

The formulas are found with an HTML parser (selectolax): the arithmatex elements of a page, and
the $-delimited math in the text of a notebook's markdown cells, outside code.

Where browsers would draw Temml's MathML otherwise than TeX draws the formula, it is rewritten:

- Primes. Temml writes f' as TeX does, f with the superscript ′, and leaves the prime's size and
  height to the font's stylistic set ss04 (its stylesheet turns the set on for primes). The STIX
  Two Math the site uses has no stylistic sets, and its ′ is already a raised glyph:
  superscripted again, it shrinks to a speck. ``mathml_core`` writes f followed by ′ instead
  (″ for two primes, ‴ for three).
- \left and \right. Temml makes every \left and \right delimiter stretchy, and MathML Core
  stretches a stretchy delimiter to cover whatever it encloses, even a superscript or a slightly
  tall letter. TeX keeps it at its normal size unless it encloses something tall (a fraction, a
  matrix, a root or a large operator); ``mathml_core`` makes it stretchy only then.
- Function names. Temml puts a thin space after a function name unless a delimiter follows it,
  deciding from the next token alone: a name that ends its formula (\(\log\), in prose) gets
  the space too, and it shows before the comma or word that follows the formula. TeX spaces a
  function name from its argument only; ``mathml_core`` drops the space where nothing follows.
- Letter styles. Browsers ignore ``mathvariant``, so Temml writes \mathbb{R} as the Unicode
  letter ℝ; a character it has no such letter for (\mathbf{\partial}) it leaves plain without a
  word. ``render_math.mjs`` makes that an error, so no style is lost unseen.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from autograd_site import ROOT

RENDERER = Path(__file__).with_name("render_math.mjs")
CACHE = ROOT / ".cache" / "math"
TEMML = ROOT / "node_modules" / "temml"
FONT = ROOT / "node_modules/@fontsource/stix-two-math/files/stix-two-math-latin-400-normal.woff2"
FONT_CACHE = ROOT / ".cache" / "math-font"
STYLESHEET = Path(__file__).with_name("math.css")

# pymdownx.arithmatex (generic mode) wraps inline math in \( \) and display math in \[ \].
ARITHMATEX = "span.arithmatex, div.arithmatex"
DELIMITERS = {"\\(": ("\\)", False), "\\[": ("\\]", True)}  # opening: (closing, display)
# mkdocs-jupyter leaves a notebook's math as $...$ and $$...$$ in its markdown cells' text.
DOLLARS = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.DOTALL)
NOT_MATH = {"code", "pre", "script", "style"}  # elements whose $ signs are not math
# What the notebook template loads that this site does not want: an empty MathJax script (a
# request for the page itself), MathJax settings, and Mermaid imported from a CDN.
CDN = "cdnjs.cloudflare.com"

PRIMES = {"′": 1, "″": 2, "‴": 3, "⁗": 4}
PRIMES_BY_COUNT = {count: prime for prime, count in PRIMES.items()}
# What makes TeX grow a \left ... \right delimiter past its normal size.
TALL = "mfrac, mtable, msqrt, mroot"
LARGE_OPERATORS = set("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂")
TOKENS = "mi, mn, mo, mtext, ms"
APPLY = "\u2061"  # function application, between log and x
THIN = "0.1667em"  # TeX's thin space

# The Mathematical Italic letter a browser draws for a one-character <mi> (MathML Core's italic
# mappings): Latin and Greek letters by offset, the rest one by one (h is Planck's ℎ).
_ITALIC_RANGES = [
    ("A", "Z", 0x1D434),
    ("a", "z", 0x1D44E),
    ("Α", "Ω", 0x1D6E2),
    ("α", "ω", 0x1D6FC),
]
_ITALIC_OTHERS = dict(zip("hıȷϴ∇∂ϵϑϰϕϱϖ", "ℎ𝚤𝚥𝛳𝛻𝜕𝜖𝜗𝜘𝜙𝜚𝜛", strict=True))


class MathError(Exception):
    """LaTeX that Temml cannot typeset; the message names page, line and formula."""


def italic(character: str) -> str | None:
    """The italic form a browser draws for ``character`` alone in an <mi>, or None."""
    if character in _ITALIC_OTHERS:
        return _ITALIC_OTHERS[character]
    for first, last, start in _ITALIC_RANGES:
        if first <= character <= last:
            return chr(start + ord(character) - ord(first))
    return None


def _math(markup: str) -> LexborNode:
    """The MathML element written in ``markup``, parsed inside <math> so that it is MathML."""
    return LexborHTMLParser(f"<math>{markup}</math>", is_fragment=True).css_first("math").child


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter())


def _prime_count(script: LexborNode) -> int:
    """How many primes a superscript is (f' is f with the superscript ′), or 0."""
    operators = _children(script) if script.tag == "mrow" else [script]
    if not all(op.tag == "mo" and op.text() in PRIMES for op in operators):
        return 0
    return sum(PRIMES[op.text()] for op in operators)


def _tall(row: LexborNode) -> bool:
    return row.css_first(TALL) is not None or any(
        mo.text() in LARGE_OPERATORS for mo in row.css("mo")
    )


def _ends_formula(node: LexborNode) -> bool:
    """Whether nothing follows ``node`` in its formula."""
    while node.tag != "math":
        if node.next is not None:
            return False
        node = node.parent
    return True


def mathml_core(markup: str) -> str:
    r"""Temml's MathML rewritten where browsers would draw it otherwise than TeX (primes,
    function names, \left and \right; see the module's docstring)."""
    tree = LexborHTMLParser(markup, is_fragment=True)
    for script in tree.css("msup"):
        base, superscript = _children(script)
        if primes := _prime_count(superscript):
            prime = PRIMES_BY_COUNT[primes]
            script.replace_with(
                _math(f'<mrow>{base.html}<mo lspace="0em" rspace="0em">{prime}</mo></mrow>')
            )
    for space in tree.css("mspace"):
        after_name = space.prev is not None and space.prev.text() == APPLY
        if after_name and space.attributes.get("width") == THIN and _ends_formula(space):
            space.decompose()
    for row in tree.css("mrow"):
        fences = [
            mo
            for mo in _children(row)
            if mo.tag == "mo"
            and mo.attributes.get("fence") == mo.attributes.get("stretchy") == "true"
        ]
        if fences and not _tall(row):
            for fence in fences:
                fence.attrs["stretchy"] = "false"
    return tree.html


def characters(markup: str) -> set[str]:
    """Every character the font must hold for the math in ``markup``: the text of its tokens, the
    italic form the browser draws for a one-character identifier, and the radical sign."""
    found = set()
    for math in LexborHTMLParser(markup).css("math"):
        if math.css_first("msqrt, mroot") is not None:
            found.add("√")
        for token in math.css(TOKENS):
            text = token.text()
            found.update(text)
            if token.tag == "mi" and len(text) == 1 and token.attributes.get("mathvariant") is None:
                found.update(filter(None, [italic(text)]))
    return found


def subset_font(used: set[str]) -> bytes:
    """STIX Two Math (from the npm registry) cut down to ``used``: its layout tables and the
    variants its MATH table gives those glyphs (stretched brackets, script sizes) kept.
    Cached in .cache/math-font, keyed by the characters."""
    if not FONT.is_file():
        raise MathError(f"the math font is missing at {FONT}: run `npm ci` (or `make setup`)")
    key = hashlib.sha256(f"{FONT.stat().st_size}\0{''.join(sorted(used))}".encode())
    cached = FONT_CACHE / f"{key.hexdigest()[:24]}.woff2"
    if not cached.is_file():
        from fontTools import subset

        options = subset.Options(flavor="woff2", layout_features=["*"])
        font = subset.load_font(str(FONT), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in used])
        subsetter.subset(font)
        FONT_CACHE.mkdir(parents=True, exist_ok=True)
        subset.save_font(font, str(cached), options)
    return cached.read_bytes()


def _temml_version() -> str:
    package = TEMML / "package.json"
    if not package.is_file():
        raise MathError(f"Temml is missing at {TEMML}: run `npm ci` (or `make setup`)")
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def render(formulas: list[tuple[str, bool]]) -> list[dict]:
    """The MathML (or an error) for each (tex, display) pair, through the cache, which is keyed
    by Temml's version and the source of this module and the renderer as well as by the formula."""
    sources = Path(__file__).read_bytes() + RENDERER.read_bytes()
    version = _temml_version() + hashlib.sha256(sources).hexdigest()
    keys = [
        hashlib.sha256(f"{version}\0mathml\0{display}\0{tex}".encode()).hexdigest()[:24]
        for tex, display in formulas
    ]
    results: dict[str, dict] = {}
    missing = []
    for key, formula in zip(keys, formulas, strict=True):
        cached = CACHE / f"{key}.html"
        if cached.is_file():
            results[key] = {"html": cached.read_text(encoding="utf-8")}
        elif key not in results:
            results[key] = {}
            missing.append((key, formula))
    if missing:
        payload = json.dumps([{"tex": tex, "display": display} for _, (tex, display) in missing])
        process = subprocess.run(
            ["node", str(RENDERER)], input=payload.encode(), capture_output=True, cwd=ROOT
        )
        if process.returncode != 0:
            raise MathError(f"Temml failed to run: {process.stderr.decode()}")
        CACHE.mkdir(parents=True, exist_ok=True)
        for (key, _), temml in zip(missing, json.loads(process.stdout), strict=True):
            results[key] = result = (
                {"html": mathml_core(temml["html"])} if "html" in temml else temml
            )
            if "html" in result:
                (CACHE / f"{key}.html").write_text(result["html"], encoding="utf-8")
    return [results[key] for key in keys]


def _line_of(tex: str, source: str) -> int | None:
    first_line = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    for number, line in enumerate(source.splitlines(), start=1):
        if first_line and first_line in line:
            return number
    return None


def _typeset(formulas: list[tuple[str, bool]], page: str, source: str) -> list[str]:
    """The MathML of each (tex, display) formula; a MathError naming every one that fails."""
    results = render(formulas)
    errors = [
        f"{page}:{_line_of(tex, source) or '?'}: cannot typeset {tex.strip()!r}: {result['error']}"
        for (tex, _), result in zip(formulas, results, strict=True)
        if "error" in result
    ]
    if errors:
        raise MathError("\n".join(errors))
    return [result["html"] for result in results]


def _arithmatex(element: LexborNode, page: str) -> tuple[str, bool]:
    """The (tex, display) formula of an arithmatex element."""
    text = element.text()
    closing, display = DELIMITERS.get(text[:2], (None, False))
    if closing is None or not text.endswith(closing):
        raise MathError(f"{page}: math without \\( \\) or \\[ \\] around it: {text!r}")
    return text[2:-2], display


def typeset_page(content_html: str, page: str, source: str) -> tuple[str, int]:
    """Replace the content's arithmatex elements by MathML; return the content and the count."""
    tree = LexborHTMLParser(content_html, is_fragment=True)
    elements = tree.css(ARITHMATEX)
    if not elements:
        return content_html, 0
    formulas = [_arithmatex(element, page) for element in elements]
    for element, mathml in zip(elements, _typeset(formulas, page, source), strict=True):
        element.inner_html = mathml
    return tree.html, len(elements)


def _unwanted(node: LexborNode) -> bool:
    """Whether ``node`` is one of the notebook template's MathJax or CDN scripts, or a comment
    about them."""
    if node.is_comment_node:
        return "mathjax" in (node.comment_content or "").lower()
    if node.tag != "script":
        return False
    kind = node.attributes.get("type")
    return (
        node.attributes.get("src") == ""
        or kind == "text/x-mathjax-config"
        or (kind == "module" and CDN in node.text())
    )


def _prose(text: LexborNode, cell: LexborNode) -> bool:
    """Whether a text node of ``cell`` is prose, where $ delimits math (not code, not a script)."""
    parent = text.parent
    while parent is not None and parent.mem_id != cell.mem_id:
        if parent.tag in NOT_MATH:
            return False
        parent = parent.parent
    return True


def typeset_notebook(content_html: str, page: str, source: str) -> tuple[str, int]:
    """The same for a notebook page: $-math in markdown cells, and no MathJax or CDN scripts."""
    tree = LexborHTMLParser(content_html, is_fragment=True)
    if tree.root is None:  # no content
        return content_html, 0
    for node in [node for node in tree.root.traverse(include_text=True) if _unwanted(node)]:
        node.decompose()
    found = []  # (text node, the matches of its formulas)
    for cell in tree.css("div.jp-MarkdownCell"):
        texts = [node for node in cell.traverse(include_text=True) if node.is_text_node]
        for node in texts:
            if _prose(node, cell) and (matches := list(DOLLARS.finditer(node.text()))):
                found.append((node, matches))
    formulas = [
        (m["display"], True) if m["display"] is not None else (m["inline"], False)
        for _, matches in found
        for m in matches
    ]
    mathml = iter(_typeset(formulas, page, source) if formulas else [])
    for node, matches in found:
        _replace_text(node, matches, mathml)
    return tree.html, len(formulas)


def _replace_text(text: LexborNode, matches: list[re.Match], mathml: Iterator[str]) -> None:
    """Replace each formula in a text node by the next of ``mathml``, in a span (inline) or a div
    (display). A paragraph that holds only a display formula is replaced by its div, which a
    paragraph cannot contain."""
    value, pieces, position = text.text(), [], 0
    for match in matches:
        tag = "div" if match["display"] is not None else "span"
        pieces.append(html.escape(value[position : match.start()], quote=False))
        pieces.append(f'<{tag} class="arithmatex">{next(mathml)}</{tag}>')
        position = match.end()
    pieces.append(html.escape(value[position:], quote=False))
    target, paragraph = text, text.parent
    if (
        matches[0]["display"] is not None
        and value.strip() == matches[0][0]
        and paragraph.tag == "p"
        and len(list(paragraph.iter(include_text=True))) == 1
    ):
        target, pieces = paragraph, [pieces[1]]
    for node in LexborHTMLParser("".join(pieces), is_fragment=True).root.iter(include_text=True):
        target.insert_before(node)
    target.decompose()
