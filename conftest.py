"""Collect every Markdown page under docs/ as doctests: its code and outputs
(tutorial_tools/page_examples.py) and its derivations (tutorial_tools/derivations.py)."""

from pathlib import Path

from sybil import Sybil

from tutorial_tools.derivations import DerivationParser
from tutorial_tools.page_examples import PageParser

pytest_collect_file = Sybil(
    parsers=[PageParser(Path(__file__).parent / "mkdocs.yml"), DerivationParser()],
    path="docs",
    patterns=["*.md"],
).pytest()
