"""The shape every tutorial page follows: what you will learn first, tested exercises last."""

import re

import pytest

from autograd_site.pages import read_mkdocs_yml
from pages import PAGES, ROOT, SITE_PAGES, parsed

TUTORIALS = [page for page in PAGES if page != "docs/index.md"]


def nav() -> list[tuple[str, str]]:
    config = read_mkdocs_yml(ROOT / "mkdocs.yml")
    return [next(iter(entry.items())) for entry in config["nav"]]


def test_every_page_is_in_the_nav_under_its_file_name():
    assert sorted(f"docs/{path}" for _, path in nav()) == sorted(SITE_PAGES)
    for title, path in nav()[1:]:
        if path.endswith(".md"):
            assert path == re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + ".md", title


@pytest.mark.parametrize("page", TUTORIALS)
def test_page_opens_with_what_you_will_learn(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    title, _, rest = text.partition("\n\n")
    assert title.startswith("# ")
    assert rest.startswith('!!! abstract "What you will learn"')


@pytest.mark.parametrize("page", TUTORIALS)
def test_page_ends_with_exercises_whose_solutions_run_and_show_output(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert headings[-1] == "Exercises"
    exercises = text[text.index("\n## Exercises\n") :]
    solutions = exercises.split('??? success "Solution"')[1:]
    assert len(solutions) >= 2
    start = text.index("\n## Exercises\n")
    solved = [e for e in parsed(page).examples if e.code_fence.start > start and e.output_fence]
    assert len(solved) >= len(solutions), "every solution runs code and shows its output"


@pytest.mark.parametrize("page", PAGES)
def test_headings_hold_no_latex(page):
    """The table of contents and the browser tab show headings raw: math there reads as source."""
    text = (ROOT / page).read_text(encoding="utf-8")
    assert [h for h in re.findall(r"^#+ .*$", text, flags=re.M) if "\\" in h or "$" in h] == []
