"""Fixtures shared by the site and browser tests: one strict build per test session."""

from pathlib import Path

import pytest

from pages import ROOT, mkdocs_build


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir
