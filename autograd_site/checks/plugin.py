"""The pytest plugin of the checks (pyproject.toml loads it with ``-p``): ``--update-outputs``."""

from __future__ import annotations

import atexit
import gc

import pytest

from autograd_site.checks.page_examples import UPDATER

_PREVIOUS = pytest.StashKey[bool]()


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite stale output blocks on the pages from real runs",
    )


def pytest_configure(config):
    # A pytest run inside this one (the tests of this plugin) sets and restores it in turn.
    config.stash[_PREVIOUS] = UPDATER.enabled
    UPDATER.enabled = config.getoption("update_outputs")
    # torch and sympy leave millions of objects behind, and the collections the interpreter makes
    # as it exits walk every one of them. Frozen objects are skipped. At exit only: a freeze
    # during the run would keep every later object of the process out of the collector's reach.
    atexit.unregister(gc.freeze)  # once per process, however many runs configure
    atexit.register(gc.freeze)


def pytest_sessionfinish(session):
    for line in UPDATER.apply():
        print(f"\nupdate-outputs: {line}")


def pytest_unconfigure(config):
    UPDATER.enabled = config.stash.get(_PREVIOUS, False)
