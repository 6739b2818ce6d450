"""Each worked example lives once in snippets/, runs on its own, and prints what its page shows."""

import io
import runpy
from contextlib import redirect_stdout

import pytest

from pages import PAGES, ROOT, expander, parsed

SNIPPETS = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "snippets").glob("*.py"))


def inclusions(snippet):
    """Every code block, on any page, that consists of an include of ``snippet``."""
    return [
        example
        for page in PAGES
        for example in parsed(page).examples
        if expander().source_of(example.code_fence.body) == snippet
    ]


def test_there_are_snippets():
    assert len(SNIPPETS) >= 6


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_is_included_by_exactly_one_page(snippet):
    assert len(inclusions(snippet)) == 1, f"{snippet} must be included by exactly one page"


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_runs_on_its_own_and_prints_what_its_page_shows(snippet, monkeypatch):
    monkeypatch.chdir(ROOT)
    (example,) = inclusions(snippet)
    stdout = io.StringIO()
    with redirect_stdout(stdout):
        runpy.run_path(str(ROOT / snippet), run_name="__main__")
    assert example.output_fence is not None, f"{example.where}: shows no output for {snippet}"
    assert stdout.getvalue().strip() == example.output_fence.body.strip()


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_snippet_lines_fit_a_code_block_without_scrolling(snippet):
    lines = (ROOT / snippet).read_text(encoding="utf-8").splitlines()
    too_long = [number for number, line in enumerate(lines, start=1) if len(line) > 79]
    assert too_long == [], f"{snippet}: lines {too_long} are longer than 79 characters"
