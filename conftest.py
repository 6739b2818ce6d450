"""Collect every Markdown page under docs/ as doctests: its code and outputs, its claims and its
derivations (autograd_site/checks)."""

from sybil import Sybil

from autograd_site import ROOT
from autograd_site.checks.claims import ClaimParser
from autograd_site.checks.derivations import DerivationParser
from autograd_site.checks.page_examples import PageParser

pytest_collect_file = Sybil(
    parsers=[PageParser(ROOT / "mkdocs.yml"), ClaimParser(), DerivationParser()],
    path="docs",
    patterns=["*.md"],
).pytest()
