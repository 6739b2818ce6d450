"""Notebooks: the walkthrough, and the notebook generated from every page, each run in a fresh
kernel, print exactly what the pages show."""

import os
import re
import tempfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograd_site.build.notebooks import page_to_notebook
from autograd_site.checks.page_examples import TRACEBACK_ELISION, TRACEBACK_HEADER, output_matches
from pages import NOTEBOOKS, ROOT, parsed, url_of, with_code

WALKTHROUGH = ROOT / "docs" / "notebooks" / "walkthrough.ipynb"
SITE_URL = "https://example.org/site/"
WITH_CODE = with_code()


# Loaded by the kernel's Python at startup: the project's own modules cannot be imported, as in a
# reader's Colab, where only the notebook is.
HIDE_THE_PROJECT = """\
import sys


class HideTheProject:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {"autograd_site", "pages", "conftest"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


sys.meta_path.insert(0, HideTheProject())
"""


def execute(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run top to bottom in a fresh kernel as a reader would: in an empty folder outside the
    repository, with the project's own package out of reach."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sitecustomize.py").write_text(HIDE_THE_PROJECT, encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": folder}
        client = NotebookClient(
            notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        client.execute(env=env)
    return notebook


def test_a_notebook_that_needs_the_project_fails_as_it_would_in_colab():
    cells = ["import torch", "import autograd_site"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    with pytest.raises(CellExecutionError, match="No module named 'autograd_site'"):
        execute(notebook)


def test_a_notebook_that_reads_the_repository_fails_as_it_would_in_colab():
    cell = nbformat.v4.new_code_cell("open('snippets/polynomial.py').read()")
    with pytest.raises(CellExecutionError, match="FileNotFoundError"):
        execute(nbformat.v4.new_notebook(cells=[cell]))


def printed(cell) -> str:
    """A code cell's output as a page shows it: stdout, then warnings, then an error's tail."""
    streams = {"stdout": "", "stderr": ""}
    error = ""
    for output in cell.outputs:
        if output.output_type == "stream":
            streams[output.name] += output.text
        elif output.output_type == "error":
            error = f"{TRACEBACK_HEADER}\n{TRACEBACK_ELISION}\n{output.ename}: {output.evalue}\n"
    return streams["stdout"] + streams["stderr"] + error


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_the_walkthrough_is_committed_without_outputs():
    for cell in code_cells(nbformat.read(WALKTHROUGH, as_version=4)):
        assert cell.outputs == []
        assert cell.execution_count is None


def test_the_walkthrough_cells_are_the_worked_examples_verbatim():
    cells = [cell.source.strip() for cell in code_cells(nbformat.read(WALKTHROUGH, as_version=4))]
    snippets = [
        (ROOT / "snippets" / name).read_text(encoding="utf-8").strip()
        for name in (
            "finite_differences.py",
            "polynomial.py",
            "dot_product.py",
            "sum.py",
            "elementwise_square.py",
            "q_backward.py",
        )
    ]
    assert cells == snippets


def test_the_walkthrough_covers_the_pages_the_home_page_says():
    # index.md: "The walkthrough notebook runs the worked examples of pages 1 to 4".
    assert "runs the worked examples of pages 1 to 4" in " ".join(
        (ROOT / "docs" / "index.md").read_text(encoding="utf-8").split()
    )
    nav = re.findall(r"^  - [^:]+: (\S+\.md)", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    sources = [cell.source for cell in code_cells(nbformat.read(WALKTHROUGH, as_version=4))]
    including = {
        page
        for page in nav
        if (ROOT / "docs" / page).is_file()  # contributing.md is generated
        for source in sources
        if any(
            (ROOT / "snippets" / name).read_text(encoding="utf-8").strip() == source.strip()
            for name in re.findall(
                r'--8<-- "snippets/([\w.]+)"', (ROOT / "docs" / page).read_text()
            )
        )
    }
    assert including == set(nav[1:5]), "pages 1 to 4 (after the home page), and only those"


def test_the_walkthrough_prints_the_seed_numbers():
    outputs = [printed(cell) for cell in code_cells(execute(nbformat.read(WALKTHROUGH, 4)))]
    assert outputs[0].splitlines() == [
        f"h=1e-0{k}, numerical limit={value}"
        for k, value in zip(
            range(1, 8),
            ("2.300000", "2.030000", "2.003000", "2.000300", "2.000030", "2.000003", "2.000000"),
            strict=True,
        )
    ]
    assert outputs[1:] == [
        "tensor(63., grad_fn=<AddBackward0>)\ntensor(93.)\n",
        "None\ntensor(14., grad_fn=<DotBackward0>)\ntensor([0., 2., 4., 6.])\n"
        "tensor([True, True, True, True])\n",
        "tensor(6., grad_fn=<SumBackward0>)\ntensor([1., 1., 1., 1.])\n",
        "tensor([0., 1., 4.], grad_fn=<MulBackward0>)\ntensor([0., 2., 4.])\n",
        "tensor([-12.,  65.], grad_fn=<SubBackward0>)\ntensor([36., 81.])\ntensor([-12.,  -8.])\n",
    ]


def test_notebooks_are_the_walkthrough_only():
    assert NOTEBOOKS == ["docs/notebooks/walkthrough.ipynb"], "other notebooks are generated"


def test_generated_notebook_keeps_prose_math_and_links():
    page = "docs/jacobians-and-vector-jacobian-products.md"
    text = (ROOT / page).read_text(encoding="utf-8")
    notebook = page_to_notebook(text, parsed(page), url_of(page), SITE_URL)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert markdown.startswith("# Jacobians and vector-Jacobian products")
    assert "$J^{\\intercal} v$" in markdown
    assert "\\(" not in markdown
    assert "\\begin{bmatrix}" in markdown
    assert "derivation:" not in markdown
    assert f"]({SITE_URL}#the-jacobian-convention-used-on-every-page)" in markdown
    assert f"({SITE_URL}img/graph-q.svg)" in markdown
    assert "{ .figure }" not in markdown
    assert "```text" not in markdown, "outputs come from running the notebook"
    assert "!!! abstract" not in markdown
    assert "**What you will learn**" in markdown


@pytest.mark.parametrize("page", WITH_CODE)
def test_generated_notebook_runs_and_prints_what_the_page_shows(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    notebook = execute(page_to_notebook(text, parsed(page), url_of(page), SITE_URL))
    cells = code_cells(notebook)[1:]  # after the setup cell
    examples = parsed(page).examples
    assert [cell.source for cell in cells] == [example.code.rstrip("\n") for example in examples]
    for cell, example in zip(cells, examples, strict=True):
        shown = example.output_fence.body if example.output_fence else ""
        assert output_matches(shown, printed(cell)), f"{example.where}: {printed(cell)!r}"


def test_every_generated_notebook_is_in_the_site(site):
    for page in WITH_CODE:
        path = site / url_of(page) / f"{Path(page).stem}.ipynb"
        nbformat.validate(nbformat.read(path, as_version=4))
