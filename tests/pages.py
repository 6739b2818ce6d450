"""The tutorial pages, parsed the way the doctests parse them, and built (shared by the tests)."""

import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from filelock import FileLock

from autograd_site import ROOT
from autograd_site.pages import Page, SnippetExpander, parse_page, read_snippets_config

DOCS = ROOT / "docs"
PAGES = sorted(path.relative_to(ROOT).as_posix() for path in DOCS.rglob("*.md"))
NOTEBOOKS = sorted(path.relative_to(ROOT).as_posix() for path in DOCS.rglob("*.ipynb"))
# GitHub Pages serves a project site at /<repository>/, as site_url in mkdocs.yml says; the 404 page
# links from there.
SUBPATH = "autograd-derived"
GENERATED = ["docs/contributing.md"]  # made from CONTRIBUTING.md by the hooks
SITE_PAGES = PAGES + NOTEBOOKS + GENERATED


def url_of(page: str) -> str:
    """The page's address relative to the site root: docs/a-b.md -> a-b/."""
    name = Path(page).relative_to("docs").with_suffix("").as_posix()
    return "" if name == "index" else f"{name}/"


def built_html(site: Path, page: str) -> str:
    """The HTML the site build wrote for the page."""
    return (site / url_of(page) / "index.html").read_text(encoding="utf-8")


@cache
def expander() -> SnippetExpander:
    return SnippetExpander(read_snippets_config(ROOT / "mkdocs.yml"))


@cache
def parsed(page: str) -> Page:
    return parse_page((ROOT / page).read_text(encoding="utf-8"), page, expander())


def with_code() -> list[str]:
    """The pages that run code (each gets a notebook and a torch version stamp)."""
    return [page for page in PAGES if parsed(page).examples]


def mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """One build at a time, across processes: builds share the caches in .cache, whose files the
    build writes in place."""
    (ROOT / ".cache").mkdir(exist_ok=True)
    with FileLock(ROOT / ".cache" / "build.lock"):
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
