"""Listed first under markdown_extensions: makes mkdocs-jupyter's nbconvert import lazy.

mkdocs-jupyter imports nbconvert (through its ``convert`` module) as soon as MkDocs loads the
plugin, 0.3 s of a 1.6 s warm build, yet it needs it only to convert a notebook, and a warm build
takes every notebook from mkdocs-jupyter's cache. MkDocs imports Markdown extensions while it
validates the configuration, before it loads plugins, so this module runs in time to put an
``importlib.util.LazyLoader`` module in its place. It loads on its first attribute access, so a
notebook that needs converting gets the real module. If a later mkdocs-jupyter imports it
differently, it simply loads early again: the build is only slower, never different.
"""

from __future__ import annotations

import importlib.util
import sys

from markdown.extensions import Extension

DEFERRED = ("mkdocs_jupyter.convert",)  # jupytext is loaded by `import jupytext` regardless


def defer(name: str) -> None:
    """Register ``name`` as a module that loads on first use (no-op once imported)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return  # not installed: MkDocs reports the missing plugin itself
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does; `from parent import child` then finds it unloaded
        setattr(sys.modules[parent], child, module)


class DeferredImports(Extension):
    """Changes nothing in the Markdown: the work is done by makeExtension, which MkDocs calls
    while it validates the configuration."""

    def extendMarkdown(self, md) -> None:
        pass


def makeExtension(**kwargs) -> DeferredImports:
    for name in DEFERRED:
        defer(name)
    return DeferredImports(**kwargs)
