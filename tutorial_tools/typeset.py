"""Math typeset at build time: every arithmatex element of a page becomes KaTeX HTML.

Readers get finished math with the page (one small stylesheet and the fonts it uses; no script, no
waiting), and malformed LaTeX fails the build with the page, the line and KaTeX's message instead
of showing a red error to readers. KaTeX runs in Node (``render_math.mjs``); results are cached in
.cache/math by formula, so `mkdocs serve` re-renders only what changed.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDERER = Path(__file__).with_name("render_math.mjs")
CACHE = ROOT / ".cache" / "math"
KATEX = ROOT / "node_modules" / "katex"

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


def render(formulas: list[tuple[str, bool]]) -> list[dict]:
    """KaTeX HTML (or an error) for each (tex, display) pair, through the cache."""
    version = _katex_version()
    keys = [
        hashlib.sha256(f"{version}\0{display}\0{tex}".encode()).hexdigest()[:24]
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
        for (key, _), result in zip(missing, json.loads(process.stdout), strict=True):
            results[key] = result
            if "html" in result:
                (CACHE / f"{key}.html").write_text(result["html"], encoding="utf-8")
    return [results[key] for key in keys]


def _line_of(tex: str, source: str) -> int | None:
    first_line = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    for number, line in enumerate(source.splitlines(), start=1):
        if first_line and first_line in line:
            return number
    return None


def _replace(
    page_html: str, spans: list[tuple[int, int, str, bool, str]], page: str, source: str
) -> str:
    """Replace each (start, end, tex, display, tag) span by its KaTeX HTML in ``tag``."""
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
    """Replace the page's arithmatex elements by KaTeX HTML; return the page and the count."""
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
