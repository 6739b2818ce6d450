"""The site's machinery: doctest parsers, build hooks, figures, notebooks and the bench."""


class LazyModule:
    """A module imported on its first attribute access, for imports some callers never need."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        import importlib

        return getattr(importlib.import_module(self._name), attribute)
