"""The pytest plugin of the checks (pyproject.toml loads it with ``-p``): ``--update-outputs``, and
a page's examples kept together in page order however the tests around them are shuffled or shared
out between processes."""

from __future__ import annotations

import atexit
import gc

import pytest
from sybil.integration.pytest import SybilItem

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
    if UPDATER.enabled and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("--update-outputs rewrites pages in one process: add -n 0")
    # torch and sympy leave millions of objects behind, and the collections the interpreter makes
    # as it exits walk every one of them. Frozen objects are skipped. At exit only: a freeze
    # during the run would keep every later object of the process out of the collector's reach.
    atexit.unregister(gc.freeze)  # once per process, however many runs configure
    atexit.register(gc.freeze)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Each page's examples in a block, in page order, where its first one was put.

    A page is one script read top to bottom: an example uses what the ones above it defined, and
    a seeded random number depends on every draw before it. pytest-randomly shuffles the tests
    before this hook runs (it wraps it) and may shuffle a page's examples among others; the pages
    still run in a random order, each as a reader runs it.
    """
    pages: dict[pytest.Collector, list[SybilItem]] = {}
    for item in items:
        if isinstance(item, SybilItem):
            pages.setdefault(item.parent, []).append(item)
    ordered = []
    for item in items:
        if not isinstance(item, SybilItem):
            ordered.append(item)
        elif item.parent in pages:  # the page's first example: the whole page goes here
            ordered.extend(sorted(pages.pop(item.parent), key=lambda each: each.example.start))
    items[:] = ordered


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, called with -n
def pytest_xdist_make_scheduler(config, log):
    """xdist's scheduling by scope, where a page is a scope and every other test its own: a
    page's examples run in one process, which holds the page's namespace, and the other tests go
    to whichever process is free. xdist's default, test by test, would split a page."""
    from xdist.scheduler import LoadScopeScheduling

    class PagesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.partition("::")[0]
            return path if path.endswith(".md") else nodeid

    if config.getvalue("dist") == "load":
        return PagesTogether(config, log)
    return None


def pytest_sessionfinish(session):
    for line in UPDATER.apply():
        print(f"\nupdate-outputs: {line}")


def pytest_unconfigure(config):
    UPDATER.enabled = config.stash.get(_PREVIOUS, False)
