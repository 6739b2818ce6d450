"""Fixtures shared by the site and browser tests: one strict build per test run, however many
processes share the tests out (pytest-xdist)."""

import os
from pathlib import Path

import pytest
from filelock import FileLock

from pages import ROOT, mkdocs_build


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        type=Path,
        help="save every page in Chromium, light and dark, to DIR (make screenshots)",
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built with `mkdocs build --strict` by the first process that needs it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder above the workers' own
    site_dir, built = shared / "site", shared / "site.built"
    with FileLock(shared / "site.lock"):
        if not built.exists():
            result = mkdocs_build(ROOT, site_dir)
            assert result.returncode == 0, result.stderr
            built.touch()
    return site_dir
