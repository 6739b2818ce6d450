"""Each worked example lives once in snippets/, runs on its own, and prints what its page shows."""

import io
import runpy
from contextlib import redirect_stdout

import pytest
import torch

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


def test_the_finite_difference_page_reads_its_error_table_right():
    """What derivatives-and-finite-differences.md says of the table's columns in words. The numbers
    it quotes (the 0.38 at h = 1e-7, the 0.30 at 0.1, the smallest error at 1e-4, eps/h) are claims
    on the page, checked with its doctests."""
    run = runpy.run_path(str(ROOT / "snippets" / "finite_difference_errors.py"))
    steps, columns = run["STEPS"], run["COLUMNS"]
    eps64 = torch.finfo(torch.float64).eps
    eps32 = torch.finfo(torch.float32).eps
    # forward f64 is the truncation error 3h all the way down.
    assert all(
        abs(e - 3 * h) < 0.01 * 3 * h for e, h in zip(columns["forward f64"], steps, strict=True)
    )
    # forward f32 follows 3h down to h = 1e-4, and only that far.
    forward32 = columns["forward f32"]
    follows = [abs(e - 3 * h) < 0.15 * 3 * h for e, h in zip(forward32, steps, strict=True)]
    assert follows == [h >= 1e-4 for h in steps]
    # central differences: round-off alone, growing as h shrinks, roughly like eps/h.
    for name, eps in (("central f64", eps64), ("central f32", eps32)):
        errors = columns[name]
        assert errors == sorted(errors), f"{name} grows as h shrinks"
        assert all(eps / h / 20 < e < 20 * eps / h for e, h in zip(errors, steps, strict=True)), (
            name
        )
