"""Math typeset at build time: every arithmatex element of a page becomes MathML.

Readers get finished math with the page: MathML that the browser lays out itself, with one small
stylesheet and one font (STIX Two Math, cut down to the characters the site's formulas use); no
script, no waiting. Malformed LaTeX fails the build with the page, the line and KaTeX's message
instead of showing a red error to readers. KaTeX runs in Node (``render_math.mjs``); results are
cached in .cache/math by formula, so `mkdocs serve` re-renders only what changed.

KaTeX writes MathML 3; browsers implement MathML Core, which lays some of it out unlike TeX.
``mathml_core`` rewrites those parts (letter styles, primes, stretchy delimiters, spacing); a
letter style it cannot write fails the build, so none is lost silently.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from autograd_site import ROOT

RENDERER = Path(__file__).with_name("render_math.mjs")
CACHE = ROOT / ".cache" / "math"
KATEX = ROOT / "node_modules" / "katex"
FONT = ROOT / "node_modules/@fontsource/stix-two-math/files/stix-two-math-latin-400-normal.woff2"
FONT_CACHE = ROOT / ".cache" / "math-font"
STYLESHEET = Path(__file__).with_name("math.css")

# pymdownx.arithmatex (generic mode) wraps inline math in \( \) and display math in \[ \].
ARITHMATEX = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\\(?P<open>[(\[])(?P<tex>.*?)\\[)\]]</(?P=tag)>',
    re.DOTALL,
)


# mkdocs-jupyter leaves notebook math as $...$ and $$...$$ in the markdown cells' HTML.
NOTEBOOK_CELL = re.compile(r'<div class="jp-Cell (?P<kind>[\w-]+)')
NOTEBOOK_MATH = re.compile(
    r"(?P<code><code>.*?</code>)|\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$",
    re.DOTALL,
)
# What the notebook template loads that this site does not want: an empty MathJax script (a
# request for the page itself), MathJax settings, and Mermaid imported from a CDN.
NOTEBOOK_SCRIPTS = re.compile(
    r'<!-- Load mathjax -->\s*<script src=""> </script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">(?:(?!</script>).)*?cdnjs\.cloudflare\.com.*?</script>',
    re.DOTALL,
)


class MathError(Exception):
    """LaTeX that KaTeX cannot typeset; the message names page, line and formula."""


def _katex_version() -> str:
    return json.loads((KATEX / "package.json").read_text(encoding="utf-8"))["version"]


# Where each alphabet starts in Unicode's Mathematical Alphanumeric Symbols, and the letters
# that sit elsewhere (Letterlike Symbols) because they were encoded first.
_ALPHABETS = {
    "bold": {"A": 0x1D400, "a": 0x1D41A, "0": 0x1D7CE, "Α": 0x1D6A8, "α": 0x1D6C2},
    "italic": {"A": 0x1D434, "a": 0x1D44E, "Α": 0x1D6E2, "α": 0x1D6FC},
    "bold-italic": {"A": 0x1D468, "a": 0x1D482, "Α": 0x1D71C, "α": 0x1D736},
    "script": {"A": 0x1D49C, "a": 0x1D4B6},
    "fraktur": {"A": 0x1D504, "a": 0x1D51E},
    "double-struck": {"A": 0x1D538, "a": 0x1D552, "0": 0x1D7D8},
    "sans-serif": {"A": 0x1D5A0, "a": 0x1D5BA, "0": 0x1D7E2},
    "monospace": {"A": 0x1D670, "a": 0x1D68A, "0": 0x1D7F6},
}
_HOLES = {
    ("italic", "h"): "ℎ",
    **{("script", c): h for c, h in zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ", strict=True)},
    **{("fraktur", c): h for c, h in zip("CHIRZ", "ℭℌℑℜℨ", strict=True)},
    **{("double-struck", c): h for c, h in zip("CHNPQRZ", "ℂℍℕℙℚℝℤ", strict=True)},
}
_SPANS = {"A": 26, "a": 26, "0": 10, "Α": 25, "α": 25}
TOKEN_TEXT = re.compile(r"<(m[ion]|mtext)\b[^>]*>(?P<text>[^<]*)</\1>")
MATH = re.compile(r"<math\b.*</math>", re.DOTALL)
NS = "{http://www.w3.org/1998/Math/MathML}"
PRIMES = {"′": 1, "″": 2, "‴": 3, "⁗": 4}
PRIMES_BY_COUNT = {count: prime for prime, count in PRIMES.items()}
# What makes TeX grow a \left ... \right delimiter past its normal size (and its 5pt shortfall).
TALL = {f"{NS}mfrac", f"{NS}mtable", f"{NS}msqrt", f"{NS}mroot"}
LARGE_OPERATORS = set("∑∏∐∫∬∭∮⋃⋂⋁⋀⨁⨂")
SIGNS = set("+−±∓")
BARS = set("∣∥")
CLOSING = set(")]}⟩⌋⌉") | BARS
OPENING = set("([{⟨⌊⌈")
APPLY = "\u2061"  # function application, between log and x
ET.register_namespace("", NS[1:-1])


def styled(character: str, variant: str) -> str | None:
    """``character`` in a mathematical alphabet (bold, italic, script, ...), or None."""
    if (variant, character) in _HOLES:
        return _HOLES[variant, character]
    for first, start in _ALPHABETS.get(variant, {}).items():
        offset = ord(character) - ord(first)
        if 0 <= offset < _SPANS[first]:
            return chr(start + offset)
    return None


def _tall(element: ET.Element) -> bool:
    return any(
        node.tag in TALL or (node.tag == f"{NS}mo" and (node.text or "") in LARGE_OPERATORS)
        for node in element.iter()
    )


def _prime_count(script: ET.Element) -> int:
    """How many primes a superscript is (f' is f with the superscript ′), or 0."""
    operators = list(script) if script.tag == f"{NS}mrow" else [script]
    if not all(op.tag == f"{NS}mo" and (op.text or "") in PRIMES for op in operators):
        return 0
    return sum(PRIMES[op.text] for op in operators)


def mathml_core(markup: str) -> str:
    r"""KaTeX's MathML 3 rewritten where MathML Core, which browsers implement, draws it otherwise.

    - ``mathvariant`` other than normal is gone from Core: the letters are written in Unicode.
    - A prime is a superscript in TeX but already a raised glyph in a math font; superscripted
      again it shrinks to a speck. f' becomes f followed by ′ (″ for two primes, ‴ for three).
    - \left and \right delimiters stretch in Core to cover whatever they enclose, even a slightly
      tall letter, while TeX keeps them at normal size unless they hold something tall (a
      fraction, a matrix, a root or a large operator). They stretch only then; the bar of
      \left. \right| stretches then too, which Core would not do by itself.
    - Core spaces ∣ and ∥ as relations (a ∣ b) and a sign after an operator as a binary one
      (exp( − x)). As TeX does, a bar that is a delimiter (\lvert, \left|) gets no space, and a
      sign after an operator or an opening delimiter is a prefix: exp(−x), a = −1.
    - TeX puts a thin space between a function name and its argument unless the argument opens
      with a delimiter (log x, but log(x)); Core puts none.
    """
    match = MATH.search(markup)
    math = ET.fromstring(match[0])
    for parent in math.iter():
        children = list(parent)
        for index, child in enumerate(children):
            before = children[index - 1] if index else None
            after = children[index + 1] if index + 1 < len(children) else None
            if child.get("mathvariant", "normal") != "normal":
                _write_out(child)
            if child.tag == f"{NS}msup" and (primes := _prime_count(child[1])):
                parent[index] = _primed(child[0], primes)
            elif child.tag == f"{NS}mrow" and any(op.get("fence") == "true" for op in child):
                stretchy = "true" if _tall(child) else "false"
                for fence in (op for op in child if op.get("fence") == "true"):
                    fence.set("stretchy", stretchy)
            elif child.tag == f"{NS}mo":
                _space(child, before, after)
    core = ET.tostring(math, encoding="unicode")
    return markup[: match.start()] + core + markup[match.end() :]


def _write_out(token: ET.Element) -> None:
    variant = token.get("mathvariant")
    letters = [styled(character, variant) for character in token.text or ""]
    if None in letters:
        raise ValueError(f"browsers cannot show {token.text!r} as {variant}: no Unicode form known")
    token.text, token.attrib["mathvariant"] = "".join(letters), "normal"


def _primed(base: ET.Element, primes: int) -> ET.Element:
    row = ET.Element(f"{NS}mrow")
    row.append(base)
    ET.SubElement(row, f"{NS}mo", lspace="0em", rspace="0em").text = PRIMES_BY_COUNT[primes]
    return row


def _is_mo(element: ET.Element | None, texts: set[str] | None = None) -> bool:
    """Whether ``element`` is an operator (one of ``texts``, if given)."""
    return (
        element is not None
        and element.tag == f"{NS}mo"
        and (texts is None or element.text in texts)
    )


def _space(operator: ET.Element, before: ET.Element | None, after: ET.Element | None) -> None:
    """TeX's spacing where Core's operator dictionary differs from it."""
    if operator.text in BARS and "stretchy" in operator.attrib:  # \lvert x \rvert, not \mid
        operator.set("lspace", "0em")
        operator.set("rspace", "0em")
    elif operator.text == APPLY and after is not None and not _is_mo(after, OPENING):
        operator.set("rspace", "0.1667em")
    elif operator.text in SIGNS and _is_mo(before) and before.text not in CLOSING:
        operator.set("form", "prefix")  # a = -1 and (-x), but (a) - 1


def characters(markup: str) -> set[str]:
    """Every character the font must hold for this MathML: the text of its tokens, the italic
    form the browser draws for each letter of a one-letter identifier, and the radical sign."""
    found = {"√"} if re.search(r"<m(?:sqrt|root)\b", markup) else set()
    for match in TOKEN_TEXT.finditer(markup):
        text = html.unescape(match["text"])
        found.update(text)
        found.update(filter(None, (styled(c, "italic") for c in text)))
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


def render(formulas: list[tuple[str, bool]]) -> list[dict]:
    """The MathML Core (or an error) for each (tex, display) pair, through the cache, which is
    keyed by KaTeX's version and this module's source as well as by the formula."""
    version = _katex_version() + hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
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
            raise MathError(f"KaTeX failed to run: {process.stderr.decode()}")
        CACHE.mkdir(parents=True, exist_ok=True)
        for (key, _), katex in zip(missing, json.loads(process.stdout), strict=True):
            results[key] = result = _core(katex)
            if "html" in result:
                (CACHE / f"{key}.html").write_text(result["html"], encoding="utf-8")
    return [results[key] for key in keys]


def _line_of(tex: str, source: str) -> int | None:
    first_line = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    for number, line in enumerate(source.splitlines(), start=1):
        if first_line and first_line in line:
            return number
    return None


def _core(result: dict) -> dict:
    """KaTeX's result made MathML Core, or the error that stops it."""
    if "error" in result:
        return result
    try:
        return {"html": mathml_core(result["html"])}
    except ValueError as error:
        return {"error": str(error)}


def _replace(
    page_html: str, spans: list[tuple[int, int, str, bool, str]], page: str, source: str
) -> str:
    """Replace each (start, end, tex, display, tag) span by its MathML in ``tag``."""
    results = render([(tex, display) for _, _, tex, display, _ in spans])
    errors = [
        f"{page}:{_line_of(tex, source) or '?'}: cannot typeset {tex.strip()!r}: {result['error']}"
        for (_, _, tex, _, _), result in zip(spans, results, strict=True)
        if "error" in result
    ]
    if errors:
        raise MathError("\n".join(errors))
    pieces, position = [], 0
    for (start, end, _, _, tag), result in zip(spans, results, strict=True):
        pieces += [page_html[position:start], f'<{tag} class="arithmatex">{result["html"]}</{tag}>']
        position = end
    pieces.append(page_html[position:])
    return "".join(pieces)


def typeset_page(page_html: str, page: str, source: str) -> tuple[str, int]:
    """Replace the page's arithmatex elements by MathML; return the page and the count."""
    spans = [
        (m.start(), m.end(), html.unescape(m["tex"]), m["open"] == "[", m["tag"])
        for m in ARITHMATEX.finditer(page_html)
    ]
    return (_replace(page_html, spans, page, source) if spans else page_html), len(spans)


def typeset_notebook(page_html: str, page: str, source: str) -> tuple[str, int]:
    """The same for a notebook page: $-math in markdown cells, and no MathJax or CDN scripts."""
    page_html = NOTEBOOK_SCRIPTS.sub("", page_html)
    cells = list(NOTEBOOK_CELL.finditer(page_html))
    spans = []
    for cell, after in zip(cells, [*cells[1:], None], strict=True):
        if cell["kind"] != "jp-MarkdownCell":
            continue
        end = after.start() if after else len(page_html)
        for m in NOTEBOOK_MATH.finditer(page_html, cell.start(), end):
            if not m["code"]:
                display = m["display"] is not None
                tex = html.unescape(m["display"] if display else m["inline"])
                spans.append((m.start(), m.end(), tex, display, "div" if display else "span"))
    return (_replace(page_html, spans, page, source) if spans else page_html), len(spans)
