"""mkdocs hooks: generated figures, math typeset at build time, small accessibility fixes.

Kept thin: figures are drawn by ``tutorial_tools.figures`` and math by ``tutorial_tools.typeset``;
this file wires them into the build, so ``mkdocs build`` and ``mkdocs serve`` show the same site.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from tutorial_tools import figures, typeset

KATEX_DIR = "assets/katex"
DIRECTIVE = re.compile(r"^[ \t]*<!-- derivation:.*?-->[ \t]*\n", re.MULTILINE)


def _katex_files(config) -> list[File]:
    """KaTeX's stylesheet and fonts, from node_modules (installed by npm ci, never committed)."""
    root = typeset.KATEX / "dist"
    if not (root / "katex.min.css").is_file():
        raise PluginError(f"KaTeX is missing at {root}: run `npm ci` (or `make setup`)")
    sources = [root / "katex.min.css", *sorted((root / "fonts").iterdir())]
    return [
        File(str(source.relative_to(root)), src_dir=str(root),
             dest_dir=str(Path(config["site_dir"]) / KATEX_DIR),
             use_directory_urls=config["use_directory_urls"])
        for source in sources
    ]


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Derivation directives are for the tests; readers (and page sources) do without them."""
    return DIRECTIVE.sub("", markdown)


def on_files(files: Files, config) -> Files:
    for file in _katex_files(config):
        files.append(file)
    for path, svg in figures.generated().items():
        files.append(File.generated(config, path, content=svg))
    return files


def on_post_page(output: str, page, config) -> str:
    """Typeset the page's math (and link KaTeX's stylesheet only where there is math); name the
    theme's search dialog for screen readers."""
    output = output.replace('data-md-component="search" role="dialog"',
                            'data-md-component="search" role="dialog" aria-label="Search"')
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path \
        else ""
    try:
        output, count = typeset.typeset_page(output, page.file.src_uri, source)
    except typeset.MathError as error:
        raise PluginError(str(error)) from None
    if count:
        href = get_relative_url(f"{KATEX_DIR}/katex.min.css", page.url)
        output = output.replace("</head>", f'<link rel="stylesheet" href="{href}"></head>', 1)
    return output
