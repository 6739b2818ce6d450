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


class MathError(Exception):
    """LaTeX that KaTeX cannot typeset; the message names page, line and formula."""


def _katex_version() -> str:
    return json.loads((KATEX / "package.json").read_text(encoding="utf-8"))["version"]


def render(formulas: list[tuple[str, bool]]) -> list[dict]:
    """KaTeX HTML (or an error) for each (tex, display) pair, through the cache."""
    version = _katex_version()
    keys = [hashlib.sha256(f"{version}\0{display}\0{tex}".encode()).hexdigest()[:24]
            for tex, display in formulas]
    results: dict[str, dict] = {}
    missing = []
    for key, formula in zip(keys, formulas):
        cached = CACHE / f"{key}.html"
        if cached.is_file():
            results[key] = {"html": cached.read_text(encoding="utf-8")}
        elif key not in results:
            results[key] = {}
            missing.append((key, formula))
    if missing:
        payload = json.dumps([{"tex": tex, "display": display} for _, (tex, display) in missing])
        process = subprocess.run(["node", str(RENDERER)], input=payload.encode(),
                                 capture_output=True, cwd=ROOT)
        if process.returncode != 0:
            raise MathError(f"KaTeX failed to run: {process.stderr.decode()}")
        CACHE.mkdir(parents=True, exist_ok=True)
        for (key, _), result in zip(missing, json.loads(process.stdout)):
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


def typeset_page(page_html: str, page: str, source: str) -> tuple[str, int]:
    """Replace the page's arithmatex elements by KaTeX HTML; return the page and the count."""
    matches = list(ARITHMATEX.finditer(page_html))
    if not matches:
        return page_html, 0
    formulas = [(html.unescape(m["tex"]), m["open"] == "[") for m in matches]
    results = render(formulas)
    errors = [
        f"{page}:{_line_of(tex, source) or '?'}: cannot typeset {tex.strip()!r}: {result['error']}"
        for (tex, _), result in zip(formulas, results) if "error" in result
    ]
    if errors:
        raise MathError("\n".join(errors))
    pieces, position = [], 0
    for match, result in zip(matches, results):
        pieces += [page_html[position:match.start()],
                   f'<{match["tag"]} class="arithmatex">{result["html"]}</{match["tag"]}>']
        position = match.end()
    pieces.append(page_html[position:])
    return "".join(pieces), len(matches)
