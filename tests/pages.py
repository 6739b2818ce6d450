"""The tutorial pages, parsed the way the doctests parse them (shared by the tests)."""

from functools import cache
from pathlib import Path

from tutorial_tools.page_examples import Page, SnippetExpander, parse_page, read_snippets_config

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(path.relative_to(ROOT).as_posix() for path in DOCS.rglob("*.md"))


@cache
def expander() -> SnippetExpander:
    return SnippetExpander(read_snippets_config(ROOT / "mkdocs.yml"))


@cache
def parsed(page: str) -> Page:
    return parse_page((ROOT / page).read_text(encoding="utf-8"), page, expander())
