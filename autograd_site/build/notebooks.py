"""Every tutorial page as a Jupyter notebook, generated when the site builds (never committed).

The notebook is the page: prose and LaTeX become Markdown cells, each python block (snippet
includes expanded, exactly as the doctests run it) a code cell, in page order. Output blocks are
left out: running the notebook produces them. A first, setup cell makes warnings print the way the
page shows them, so the notebook's outputs can be compared with the page's (tests do).

Why not jupytext, which reads Markdown into notebooks: it turns only top-level fences into code
cells, so the code of a collapsible solution or an admonition would stay Markdown, and it knows
neither snippet includes nor the theme's admonitions, links and math delimiters.
"""

from __future__ import annotations

import json
import re

import nbformat

from autograd_site.build import vjp_table
from autograd_site.directives import strip_directives
from autograd_site.pages import Page

SETUP = """\
# Setup: print warnings as the site shows them ("Category: message").
import warnings

warnings.simplefilter("always")
warnings.formatwarning = lambda message, category, *args, **kwargs: (
    f"{category.__name__}: {message}\\n"
)"""

_ADMONITION = re.compile(
    r'^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?) (?P<kind>\w+)(?: "(?P<title>[^"]*)")?\s*$'
)
_ATTRIBUTES = re.compile(r"\)\{[^}\n]*\}")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def for_readers(markdown: str) -> str:
    """A page as readers get it: the cheat sheet's table filled in, directives gone."""
    return strip_directives(vjp_table.expand_table(markdown))


def _markdown(text: str, page_url: str, site_url: str) -> str:
    """Material-flavoured Markdown to Jupyter Markdown: math delimiters, admonitions, links."""
    text = for_readers(text)
    lines = []
    for line in text.splitlines():
        match = _ADMONITION.match(line)
        if match:
            title = match["title"] if match["title"] is not None else match["kind"].title()
            lines.append(f"**{title}**" if title else "")
            continue
        lines.append(line[4:] if line.startswith("    ") else line)
    text = "\n".join(lines)
    text = _ATTRIBUTES.sub(")", text)
    text = re.sub(r"\\\((.+?)\\\)", r"$\1$", text, flags=re.DOTALL)

    def absolute(match: re.Match) -> str:
        target = match["target"]
        if not re.match(r"[a-z]+:|#", target):
            path, _, anchor = target.partition("#")
            if path.endswith(".md"):
                path = path.removesuffix(".md").removesuffix("index") + "/"
                path = path.lstrip("/") if path != "/" else ""
            target = site_url + path + (f"#{anchor}" if anchor else "")
        elif target.startswith("#"):
            target = site_url + page_url + target
        return f"{match['bang']}[{match['text']}]({target})"

    return _LINK.sub(absolute, text).strip("\n")


def _code_cell(source: str, tags: list[str]) -> dict:
    metadata = {"tags": tags} if tags else {}
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata,
        "outputs": [],
        "source": source,
    }


def _markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def page_to_notebook(
    text: str, parsed: Page, page_url: str, site_url: str
) -> nbformat.NotebookNode:
    """The notebook of a page: ``parsed`` is the page as the doctests parsed it.

    Built from plain dicts: nbformat's cell constructors validate every cell against the schema,
    which cost 0.7 s of each build; tests validate the generated notebooks instead.
    """
    cells = [_code_cell(SETUP, ["setup"])]
    examples = {id(example.code_fence): example for example in parsed.examples}
    position = 0
    for fence in parsed.fences:
        example = examples.get(id(fence))
        if example is None and fence.language != "text":
            continue  # display-only fences stay inside the Markdown
        prose = _markdown(text[position : fence.start], page_url, site_url)
        if prose:
            cells.append(_markdown_cell(prose))
        position = fence.end
        if example is not None:
            tags = ["raises-exception"] if example.raises else []
            cells.append(_code_cell(example.code.rstrip("\n"), tags))
    prose = _markdown(text[position:], page_url, site_url)
    if prose:
        cells.append(_markdown_cell(prose))
    for index, cell in enumerate(cells):
        cell["id"] = f"cell-{index}"  # stable ids: the same page gives the same notebook
    metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": []},
    }
    return nbformat.from_dict(
        {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    )


def to_json(notebook: nbformat.NotebookNode) -> str:
    """The notebook as nbformat writes it (indent 1, sorted keys), without re-validating."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
