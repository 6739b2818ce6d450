"""The site's machinery, in three parts that never mix.

* ``build``: what ``mkdocs build`` runs (hooks, math typesetting, figures, notebooks).
* ``checks``: what ``pytest`` runs (the sybil parsers, the derivation checker, the plugin).
* ``data``: what a page renders and the tests verify (the VJP cheat sheet's rules).

Both ``build`` and ``checks`` read pages through the shared page model: ``pages`` (fences,
includes, code and outputs) and ``directives`` (derivations, math blocks, claims). The build
never imports the checks.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # the repository: docs/, snippets/, mkdocs.yml


class LazyModule:
    """A module imported on its first attribute access, for imports some callers never need."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        import importlib

        return getattr(importlib.import_module(self._name), attribute)
