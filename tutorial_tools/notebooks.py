"""Every tutorial page as a Jupyter notebook, generated when the site builds (never committed).

The notebook is the page: prose and LaTeX become Markdown cells, each python block (snippet
includes expanded, exactly as the doctests run it) a code cell, in page order. Output blocks are
left out: running the notebook produces them. A first, setup cell makes warnings print the way the
page shows them, so the notebook's outputs can be compared with the page's (tests do).
"""

from __future__ import annotations

import re

import nbformat

from tutorial_tools import derivations, vjp_rules
from tutorial_tools.page_examples import Page

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


def _markdown(text: str, page_url: str, site_url: str) -> str:
    """Material-flavoured Markdown to Jupyter Markdown: math delimiters, admonitions, links."""
    text = derivations.strip_directives(text)
    text = vjp_rules.expand_table(text)
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


def page_to_notebook(
    text: str, parsed: Page, page_url: str, site_url: str
) -> nbformat.NotebookNode:
    """The notebook of a page: ``parsed`` is the page as the doctests parsed it."""
    cells = [nbformat.v4.new_code_cell(SETUP, metadata={"tags": ["setup"]})]
    examples = {id(example.code_fence): example for example in parsed.examples}
    position = 0
    for fence in parsed.fences:
        example = examples.get(id(fence))
        if example is None and fence.language != "text":
            continue  # display-only fences stay inside the Markdown
        prose = _markdown(text[position : fence.start], page_url, site_url)
        if prose:
            cells.append(nbformat.v4.new_markdown_cell(prose))
        position = fence.end
        if example is not None:
            raises = (
                example.output_fence is not None
                and "Traceback (most recent call last):" in example.output_fence.body
            )
            metadata = {"tags": ["raises-exception"]} if raises else {}
            cells.append(nbformat.v4.new_code_cell(example.code.rstrip("\n"), metadata=metadata))
    prose = _markdown(text[position:], page_url, site_url)
    if prose:
        cells.append(nbformat.v4.new_markdown_cell(prose))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "colab": {"provenance": []},
        }
    )
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # stable ids: the same page gives the same notebook
    return notebook
