"""mkdocs hooks: generated figures, and MathJax from node_modules loaded only on pages with math.

Kept thin: the figures are drawn by ``tutorial_tools.figures``; this file only wires them and the
MathJax files into the build, so ``mkdocs build`` and ``mkdocs serve`` see the same site.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from tutorial_tools import figures

MATHJAX_DIR = "assets/mathjax"
MATHJAX_CONFIG = "javascripts/mathjax-config.js"


def _mathjax_files(config) -> list[File]:
    root = Path(config["config_file_path"]).parent / "node_modules" / "mathjax" / "es5"
    if not (root / "tex-chtml.js").is_file():
        raise PluginError(f"MathJax is missing at {root}: run `npm ci` (or `make setup`)")
    sources = [root / "tex-chtml.js", *sorted((root / "output/chtml/fonts/woff-v2").glob("*.woff"))]
    return [
        File(
            str(source.relative_to(root)),
            src_dir=str(root),
            dest_dir=str(Path(config["site_dir"]) / MATHJAX_DIR),
            use_directory_urls=config["use_directory_urls"],
        )
        for source in sources
    ]


DIRECTIVE = re.compile(r"^[ \t]*<!-- derivation:.*?-->[ \t]*\n", re.MULTILINE)


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Derivation directives are for the tests; readers (and page sources) do without them."""
    return DIRECTIVE.sub("", markdown)


def on_files(files: Files, config) -> Files:
    for file in _mathjax_files(config):
        files.append(file)
    for path, svg in figures.generated().items():
        files.append(File.generated(config, path, content=svg))
    return files


def on_post_page(output: str, page, config) -> str:
    """Name the theme's search dialog for screen readers; load MathJax on pages with math only."""
    output = output.replace('data-md-component="search" role="dialog"',
                            'data-md-component="search" role="dialog" aria-label="Search"')
    if 'class="arithmatex"' not in output:
        return output
    scripts = "".join(
        f'<script src="{get_relative_url(path, page.url)}"></script>'
        for path in (MATHJAX_CONFIG, f"{MATHJAX_DIR}/tex-chtml.js")
    )
    return output.replace("</body>", f"{scripts}</body>", 1)
