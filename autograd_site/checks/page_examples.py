"""The sybil parser that runs the code on the pages and checks every output they show.

The page model (``autograd_site.pages``) finds the fences and pairs each python block with the
output block after it; this module runs each python block in the page's namespace, in page order,
and compares what it printed with the output shown. Sybil's stock Markdown parsers cannot: they
pass over ``python title="x.py"`` fences, never expand ``--8<--`` includes, and compare nothing a
block prints unless it is written as a ``>>>`` session.

The convention a page follows: a ``python`` fence, then (if it prints) a ``text`` fence holding
exactly its stdout, then any warnings as ``Category: message`` lines. ``...`` in an output matches
any text, for version-dependent tails. Code expected to raise shows the doctest-style tail::

    Traceback (most recent call last):
      ...
    RuntimeError: the exact message

With ``pytest --update-outputs`` (``autograd_site.checks.plugin``), stale output blocks are
rewritten from the real run instead.
"""

from __future__ import annotations

import difflib
import doctest
import io
import linecache
import os
import traceback
import warnings
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

from sybil import Region

from autograd_site.pages import (
    TRACEBACK_HEADER,
    CodeExample,
    Page,
    PageError,
    SnippetExpander,
    parse_page,
    read_snippets_config,
)

# In a shown output, "..." matches any text (doctest's ELLIPSIS): for version-dependent tails only.
ELLIPSIS = "..."
_CHECKER = doctest.OutputChecker()
TRACEBACK_ELISION = "  ..."


def parse(text: str, page: str, expander: SnippetExpander) -> Page:
    """The page's code examples, ready to run."""
    # Tracebacks of the page's code quote the page's own lines, even for a page that exists only
    # in memory (the tests' own pages).
    linecache.cache[page] = (len(text), None, text.splitlines(keepends=True), page)
    return parse_page(text, page, expander)


def _normalise(output: str) -> str:
    """Trailing spaces dropped, and tabs expanded to 4-column stops, as the site's Markdown shows
    them in a code block (an error message may indent with tabs)."""
    return "\n".join(line.expandtabs(4).rstrip() for line in output.strip("\n").splitlines())


def output_matches(shown: str, printed: str) -> bool:
    """Whether a shown output block agrees with what the code printed."""
    shown, printed = _normalise(shown), _normalise(printed)
    return shown == printed or (
        ELLIPSIS in shown and _CHECKER.check_output(shown + "\n", printed + "\n", doctest.ELLIPSIS)
    )


def run(example: CodeExample, namespace: dict) -> str:
    """Execute the example in ``namespace``; return its stdout, then its warnings (and the tail of
    an expected error).

    An exception is part of the output only when the page shows a traceback; otherwise it fails
    the example with the real traceback, pointing into the page or the snippet file.
    """
    stdout = io.StringIO()
    namespace.setdefault("__name__", "__main__")  # pages run like scripts
    padded = "\n" * (example.first_line - 1) + example.code
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with redirect_stdout(stdout):
                exec(compile(padded, example.filename, "exec"), namespace)
        except Exception as error:  # noqa: BLE001 - any error of the page's code is reported
            shown = example.output_fence.body if example.output_fence else ""
            if TRACEBACK_HEADER not in shown:
                frames = traceback.format_exception(type(error), error, error.__traceback__.tb_next)
                raise PageError(
                    f"{example.where}: the code raised unexpectedly:\n" + "".join(frames)
                ) from None
            tail = "".join(traceback.format_exception_only(type(error), error))
            return (
                f"{stdout.getvalue()}{_warning_lines(caught)}"
                f"{TRACEBACK_HEADER}\n{TRACEBACK_ELISION}\n{tail}"
            )
    return stdout.getvalue() + _warning_lines(caught)


def _warning_lines(caught: list[warnings.WarningMessage]) -> str:
    """Warnings are output too: a reader who runs the code sees them."""
    return "".join(f"{w.category.__name__}: {w.message}\n" for w in caught)


@dataclass
class OutputUpdater:
    """Collects rewrites of stale output blocks and applies them when the session ends."""

    enabled: bool = False
    edits: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)

    def record(self, path: str, start: int, end: int, replacement: str) -> None:
        self.edits.setdefault(path, []).append((start, end, replacement))

    def apply(self) -> list[str]:
        changed = []
        for path, edits in self.edits.items():
            text = Path(path).read_text(encoding="utf-8")
            for start, end, replacement in sorted(edits, reverse=True):
                text = text[:start] + replacement + text[end:]
            Path(path).write_text(text, encoding="utf-8")
            changed.append(f"{os.path.relpath(path)}: {len(edits)} output block(s) rewritten")
        self.edits.clear()
        return changed


UPDATER = OutputUpdater()


def _indented(body: str, indent: str) -> str:
    return "".join(
        indent + line if line.strip() else line
        for line in (body.strip("\n") + "\n").splitlines(keepends=True)
    )


def check(example: CodeExample, namespace: dict, path: str, updater: OutputUpdater) -> str | None:
    """Run one example and compare; return a failure message, or None when it matches."""
    printed = _normalise(run(example, namespace))
    fence = example.output_fence
    shown = _normalise(fence.body) if fence else ""
    if output_matches(shown, printed):
        return None
    if updater.enabled:
        indent = example.code_fence.indent
        if fence is None:
            new_block = f"\n{indent}```text\n{_indented(printed, indent)}{indent}```\n"
            updater.record(path, example.code_fence.end, example.code_fence.end, new_block)
        elif printed:
            updater.record(path, fence.body_start, fence.body_end, _indented(printed, indent))
        else:
            updater.record(path, example.code_fence.end, fence.end, "")
        return None
    if fence is None:
        return (
            f"{example.where}: the code printed output but the page shows none:\n{printed}\n"
            "Run `make update-outputs` to add it from the real run."
        )
    diff = difflib.unified_diff(
        shown.splitlines(),
        printed.splitlines(),
        f"shown at {example.page}:{fence.line}",
        "printed by the code",
        lineterm="",
    )
    return (
        f"{example.where}: the output shown differs from what the code printed\n"
        + "\n".join(diff)
        + "\nRun `make update-outputs` to rewrite it from the real run."
    )


class PageParser:
    """A sybil parser: one region per python block (with its output block)."""

    def __init__(self, mkdocs_yml: Path, updater: OutputUpdater = UPDATER):
        self.expander = SnippetExpander(read_snippets_config(mkdocs_yml))
        self.updater = updater

    def __call__(self, document):
        page = os.path.relpath(document.path)
        parsed = parse(document.text, page, self.expander)
        for example in parsed.examples:
            end = (example.output_fence or example.code_fence).end
            yield Region(example.code_fence.start, end, example, self.evaluate)

    def evaluate(self, example) -> str | None:
        """Sybil's evaluator protocol: a returned string is the failure message."""
        try:
            return check(example.parsed, example.namespace, example.document.path, self.updater)
        except PageError as error:
            return str(error)
