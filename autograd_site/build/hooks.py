"""mkdocs hooks: generated figures and notebooks, math typeset at build time, small fixes.

Kept thin: figures are drawn by ``figures``, notebooks written by ``notebooks`` and math typeset
by ``typeset``, all in this package; this file wires them
into the build, so ``mkdocs build`` and ``mkdocs serve`` show the same site.
"""

from __future__ import annotations

import itertools
import re
from importlib.metadata import version
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from autograd_site.build import figures, notebooks, typeset
from autograd_site.pages import (
    PageError,
    SnippetExpander,
    parse_page,
    read_snippets_config,
)

MATH_DIR = "assets/math"
# Of every formula built, for the math font. Never cleared: a `mkdocs serve --dirty` rebuild
# renders only the changed pages, and the font must still hold the others' characters.
MATH_CHARACTERS: set[str] = set()
JINJA_CACHE = typeset.ROOT / ".cache" / "jinja"
# A code block as pymdownx.highlight writes it; output blocks (language-text) are not matched.
CODE_BLOCK = re.compile(
    r'(<div class="language-(?!text )[\w-]+ highlight">(?:<span class="filename">.*?</span>)?'
    r"<pre><span></span>)<code>"
)
NOTEBOOK_OF: dict[str, str] = {}  # page source -> site path of its notebook


def on_post_build(config) -> None:
    """The math font, cut down to the characters the built pages' formulas use."""
    if MATH_CHARACTERS:
        font = Path(config["site_dir"]) / MATH_DIR / "stix-two-math.woff2"
        font.parent.mkdir(parents=True, exist_ok=True)
        try:
            font.write_bytes(typeset.subset_font(MATH_CHARACTERS))
        except typeset.MathError as error:
            raise PluginError(str(error)) from None


def _page_notebooks(files: Files, config) -> list[File]:
    """A notebook for every Markdown page with code, next to the page: a-b/a-b.ipynb."""
    expander = SnippetExpander(read_snippets_config(Path(config["config_file_path"])))
    generated = []
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md"):
            continue
        text = Path(file.abs_src_path).read_text(encoding="utf-8")
        try:
            parsed = parse_page(text, f"docs/{file.src_uri}", expander)
        except PageError as error:
            raise PluginError(str(error)) from None
        if not parsed.examples:
            continue
        notebook = notebooks.page_to_notebook(text, parsed, file.url, config["site_url"])
        path = f"{file.url}{Path(file.src_uri).stem}.ipynb"
        NOTEBOOK_OF[file.src_uri] = path
        generated.append(File.generated(config, path, content=notebooks.to_json(notebook)))
    return generated


def on_env(env, config, files):
    """Compiled templates kept in .cache/jinja, keyed by their source: 0.1 s off a warm build."""
    env.bytecode_cache = FileSystemBytecodeCache(str(JINJA_CACHE))
    JINJA_CACHE.mkdir(parents=True, exist_ok=True)
    return env


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Derivation directives are for the tests; readers (and page sources) do without them."""
    return notebooks.for_readers(markdown)


def on_files(files: Files, config) -> Files:
    stylesheet = typeset.STYLESHEET
    files.append(
        File.generated(config, f"{MATH_DIR}/{stylesheet.name}", abs_src_path=str(stylesheet))
    )
    for file in _page_notebooks(files, config):
        files.append(file)
    # The contributor guide: one source, in the repository and on the site. Its include examples
    # are escaped (pymdownx.snippets' leading ";") so the site shows them instead of running them.
    guide = Path(config["config_file_path"]).with_name("CONTRIBUTING.md").read_text("utf-8")
    guide = re.sub(r"^([ \t]*)(?=-+8<-+[ \t])", r"\1;", guide, flags=re.MULTILINE)
    files.append(File.generated(config, "contributing.md", content=guide))
    for path, svg in figures.generated().items():
        files.append(File.generated(config, path, content=svg))
    for file in files.documentation_pages():
        if file.src_uri.endswith(".ipynb"):  # mkdocs-jupyter copies it next to its page
            NOTEBOOK_OF[file.src_uri] = f"{file.url}{Path(file.src_uri).name}"
    return files


def _notebook_links(page, config) -> str:
    """Under the title of a page with code: its notebook, and the torch its outputs came from."""
    path = NOTEBOOK_OF.get(page.file.src_uri)
    if path is None:
        return ""
    repository = config["repo_url"].rstrip("/").removeprefix("https://github.com/")
    colab = f"https://colab.research.google.com/github/{repository}/blob/notebooks/{path}"
    torch = version("torch")  # of the environment that builds and tests the site
    return (
        f'<p class="notebook-links"><a href="{get_relative_url(path, page.url)}" download>'
        f'Download notebook</a> <a href="{colab}">Open in Colab</a> '
        f'<span class="verified-with">Outputs verified with torch {torch}</span></p>'
    )


def _copy_buttons(page_html: str) -> str:
    """The theme's copy button on every code block, written at build time.

    The theme's own `content.code.copy` inserts each button at load time, between reads of each
    block's size: one forced style and layout per block (40-70 ms on the error clinic, measured
    in Chromium traces; 14 ms without). Its click handler serves these buttons alike: it copies
    the element that `data-clipboard-target` names and shows "Copied to clipboard". The buttons
    sit in a div, not the theme's nav: a page of code blocks is not a page of landmarks.
    """
    numbers = itertools.count()

    def button(match: re.Match) -> str:
        target = f"__copy_{next(numbers)}"
        return (
            f'{match[1]}<div class="md-code__nav"><button class="md-code__button" '
            f'title="Copy to clipboard" data-clipboard-target="#{target}" data-md-type="copy">'
            f'</button></div><code id="{target}">'
        )

    return CODE_BLOCK.sub(button, page_html)


TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)


def _wrapped_tables(page_html: str) -> str:
    """Each table in the theme's scrolling wrapper, written at build time.

    The theme's script wraps tables as the page loads: it takes each one out of the page and puts
    it back wrapped, and the browser styles and lays the whole table out again (70 ms for the
    cheat sheet's, which made it the one page under 95 in Lighthouse's mobile score). The theme
    styles and wraps only tables without a class; these carry "data-table", which extra.css
    gives the theme's table style.
    """
    return TABLE.sub(
        r'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        r'<table class="data-table">\1</table></div></div>',
        page_html,
    )


THEME_SCRIPT = re.compile(
    r'<script src="(?P<src>[^"]*assets/javascripts/bundle\.\w+\.min\.js)"></script>'
)
AFTER_FIRST_PAINT = """<script>
requestAnimationFrame(() => setTimeout(() => {
  // Formulas, code and tables wider than the screen scroll sideways: keyboard users must reach
  // them (the theme does it for code only where there is a mouse, and never for formulas).
  const reachWide = () => {
    const selector = "div.arithmatex, pre > code, .md-typeset__scrollwrap"
    const boxes = [...document.querySelectorAll(selector)]
    const wide = boxes.filter(box => box.scrollWidth > box.clientWidth)
    for (const box of boxes) {  // all sizes read first: each write would force a layout
      if (wide.includes(box)) box.setAttribute("tabindex", "0")
      else box.removeAttribute("tabindex")
    }
  }
  reachWide()
  addEventListener("resize", reachWide)
  const script = document.createElement("script")
  script.src = "%s"
  script.onload = () => {
    document.dispatchEvent(new Event("DOMContentLoaded"))
    reachWide()  // the theme has wrapped the tables
  }
  document.body.append(script)
}))
</script>"""


def _theme_script_after_first_paint(page_html: str, page: str) -> str:
    """The theme's script, run after the page's first paint instead of before it; and formulas,
    code and tables that scroll sideways made reachable by keyboard, once they are laid out.

    Run where the theme puts it, the script reads the scroll position as it starts, which makes
    the browser style and lay out the whole page inside the script's task instead of in the first
    frame: a task of 90 ms on the forward-mode page, 360 ms under Lighthouse's mobile CPU (its
    Total Blocking Time went from 615 to 285 ms). The script is preloaded, so it is not fetched
    later; it waits for DOMContentLoaded, which is replayed for it once it has loaded.
    """
    match = THEME_SCRIPT.search(page_html)
    if match is None:
        raise PluginError(f"{page}: the theme's script tag was not found (has the theme changed?)")
    src = match["src"]
    page_html = page_html.replace(match[0], AFTER_FIRST_PAINT % src, 1)
    preload = f'<link rel="preload" href="{src}" as="script">'
    return page_html.replace("</head>", f"{preload}</head>", 1)


def on_post_page(output: str, page, config) -> str:
    """Typeset the page's math (and link the math stylesheet and font only where there is math),
    offer its notebook, write the code blocks' copy buttons, run the theme's script after the
    first paint, and name the theme's search dialog for screen readers."""
    output = output.replace(
        'data-md-component="search" role="dialog"',
        'data-md-component="search" role="dialog" aria-label="Search"',
    )
    notebook = page.file.src_uri.endswith(".ipynb")
    if notebook:  # its code cells scroll sideways: keyboard users must be able to reach them
        output = output.replace(
            '<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb'
        )
    output = _copy_buttons(output)
    output = _wrapped_tables(output)
    output = _theme_script_after_first_paint(output, page.file.src_uri)
    links = _notebook_links(page, config)
    if links:
        output = re.sub(r"(</h1>)", lambda m: m[1] + links, output, count=1)
    source = (
        Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else ""
    )
    typeset_math = typeset.typeset_notebook if notebook else typeset.typeset_page
    try:
        output, count = typeset_math(output, page.file.src_uri, source)
    except typeset.MathError as error:
        raise PluginError(str(error)) from None
    if count:
        MATH_CHARACTERS.update(typeset.characters(output))
        css = get_relative_url(f"{MATH_DIR}/math.css", page.url)
        font = get_relative_url(f"{MATH_DIR}/stix-two-math.woff2", page.url)
        output = output.replace(
            "</head>",
            f'<link rel="preload" href="{font}" as="font" type="font/woff2" crossorigin>'
            f'<link rel="stylesheet" href="{css}"></head>',
            1,
        )
    return output
