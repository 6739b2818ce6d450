"""Where the site meets mkdocs-material: the theme release it is written against, and the page
content's edits, made with an HTML parser.

The site changes the theme only through its extension points: template blocks and partials in
``overrides/``, ``extra_css`` and ``extra_javascript``, and the page content that mkdocs hands
to ``on_page_content``. Those still lean on the theme's class names, blocks and its ``document$``
hook, so the build refuses a theme release other than ``MATERIAL``: a new one must be checked
against the files ``RECHECK`` names before the pin moves.

Content is edited as a tree (selectolax, the Lexbor parser), never as text: output blocks get the
theme's ``no-copy`` class, so that only code has a copy button, and a page with code gets its
notebook links under its title.
"""

from __future__ import annotations

from importlib.metadata import version

from mkdocs.exceptions import PluginError
from selectolax.lexbor import LexborHTMLParser

MATERIAL = "9.8.2"
RECHECK = (
    "overrides/main.html (the extrahead block), overrides/partials/source.html (a copy of the "
    "theme's partial), docs/javascripts/accessibility.js (document$, the search dialog, the "
    "table wrapper's class), docs/stylesheets/extra.css (the theme's variables and classes), "
    "the no-copy class in autograd_site/build/theme.py, and tests/test_browser.py"
)
# Output blocks: what the code above them printed, which there is no reason to copy.
OUTPUT_BLOCKS = "div.language-text.highlight"


def check_material_version() -> None:
    """Fail the build unless the installed mkdocs-material is the release the overrides fit."""
    installed = version("mkdocs-material")
    if installed != MATERIAL:
        raise PluginError(
            f"mkdocs-material {installed} is installed, but the site's theme overrides are "
            f"written against {MATERIAL}. Re-check {RECHECK} against the new release (make test "
            f"runs the browser tests), then set MATERIAL in autograd_site/build/theme.py."
        )


def edit_content(content: str, notebook_links: str | None) -> str:
    """The page content with its output blocks marked ``no-copy`` and, if given, the notebook
    links right after its first h1 (or first, where the theme writes the title itself)."""
    tree = LexborHTMLParser(content, is_fragment=True)
    for block in tree.css(OUTPUT_BLOCKS):
        classes = block.attributes.get("class") or ""
        block.attrs["class"] = f"{classes} no-copy".strip()
    if notebook_links:
        links = LexborHTMLParser(notebook_links, is_fragment=True).css_first("*")
        heading = tree.css_first("h1")
        if heading is not None:
            heading.insert_after(links)
        elif tree.root is not None:
            tree.root.insert_before(links)
    return tree.inner_html
