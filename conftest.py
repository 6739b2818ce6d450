"""Collect every Markdown page under docs/ as doctests (see tutorial_tools/page_examples.py)."""

from pathlib import Path

from sybil import Sybil

from tutorial_tools.page_examples import PageParser

pytest_collect_file = Sybil(
    parsers=[PageParser(Path(__file__).parent / "mkdocs.yml")],
    path="docs",
    patterns=["*.md"],
).pytest()
