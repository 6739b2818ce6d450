"""mkdocs hooks: generated figures and notebooks, math typeset at build time, the page content
made ready for the theme.

Kept thin: figures are drawn by ``figures``, notebooks written by ``notebooks``, math typeset by
``typeset`` and the content edited for the theme by ``theme``, all in this package; this file
wires them into the build, so ``mkdocs build`` and ``mkdocs serve`` show the same site. Only the
page's Markdown and its content HTML are edited here; the rest of the page is the theme's, changed
through its template blocks and partials in ``overrides/``.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from autograd_site.build import figures, notebooks, theme, typeset
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
NOTEBOOK_OF: dict[str, str] = {}  # page source -> site path of its notebook


def on_config(config):
    """The theme release the overrides are written against, checked before anything is built."""
    theme.check_material_version()
    return config


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


def on_page_content(html: str, page, config, files) -> str:
    """Typeset the page's math, mark it for the math stylesheet and font (linked from the head by
    overrides/main.html), and edit the content for the theme: see ``theme.edit_content``."""
    notebook = page.file.src_uri.endswith(".ipynb")
    source = (
        Path(page.file.abs_src_path).read_text(encoding="utf-8") if page.file.abs_src_path else ""
    )
    typeset_math = typeset.typeset_notebook if notebook else typeset.typeset_page
    try:
        html, count = typeset_math(html, page.file.src_uri, source)
    except typeset.MathError as error:
        raise PluginError(str(error)) from None
    page.has_math = bool(count)
    if count:
        MATH_CHARACTERS.update(typeset.characters(html))
    return theme.edit_content(html, _notebook_links(page, config))
