"""Run the code on the tutorial pages and check every output they show.

Why not stock sybil: its Markdown lexer accepts only an info string of exactly ``python``, so it
silently passes over ``python title="x.py"`` and over fences indented inside admonitions and
content tabs, and it executes ``--8<--`` include lines as Python. This module:

* finds every fenced block on a page, at any indentation, whatever its attributes;
* expands pymdownx.snippets includes with pymdownx's own preprocessor and the site's own options
  from mkdocs.yml, so the tests run exactly the code the site shows;
* runs each python block in the page's namespace, in page order, and compares what it printed with
  the ``text`` block that directly follows it (a block that prints must show its output);
* refuses, naming page and line, any fence it can neither run nor check;
* with ``pytest --update-outputs``, rewrites stale output blocks from the real run.

The convention a page follows: a ``python`` fence, then (if it prints) a ``text`` fence holding
exactly its stdout, then any warnings as ``Category: message`` lines. ``...`` in an output matches
any text, for version-dependent tails. Code expected to raise shows the doctest-style tail::

    Traceback (most recent call last):
      ...
    RuntimeError: the exact message
"""

from __future__ import annotations

import difflib
import doctest
import gc
import io
import linecache
import os
import re
import traceback
import warnings
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from pymdownx.snippets import SnippetMissingError
from sybil import Region

PYTHON_LANGUAGES = {"python", "py", "python3"}
OUTPUT_LANGUAGES = {"text"}
# Shown, never run: shell commands and diagram sources. Anything else is refused.
DISPLAY_LANGUAGES = {"bash", "console", "shell", "sh", "mermaid", "yaml", "toml"}

TRACEBACK_HEADER = "Traceback (most recent call last):"
# In a shown output, "..." matches any text (doctest's ELLIPSIS): for version-dependent tails only.
ELLIPSIS = "..."
_CHECKER = doctest.OutputChecker()
TRACEBACK_ELISION = "  ..."

_OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
_INCLUDE = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]")
_SINGLE_INCLUDE = re.compile(r"""^-{1,}8<-{1,}[ \t]+(["'])(?P<path>[^"':]+)\1[ \t]*$""")


class PageError(Exception):
    """A page cannot be run as written; the message names the page and line."""


@dataclass
class Fence:
    line: int  # 1-based line of the opening fence
    start: int  # offset of the opening fence's first character (its indentation)
    end: int  # offset just past the closing fence line
    body_start: int  # offsets of the raw body lines, within the page text
    body_end: int
    indent: str
    language: str
    info: str
    body: str  # dedented


@dataclass
class CodeExample:
    page: str  # path shown in messages
    code_fence: Fence
    code: str  # with snippet includes expanded
    filename: str  # what tracebacks call the code
    first_line: int  # line of the code's first line within ``filename``
    output_fence: Fence | None = None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.code_fence.line}"


@dataclass
class Page:
    path: str
    fences: list[Fence]
    examples: list[CodeExample] = field(default_factory=list)
    display_fences: list[Fence] = field(default_factory=list)


def _language(info: str) -> str:
    """``python title="x"`` -> python; ``{ .python .extra }`` -> python."""
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split()[0].lower() if info else ""


def find_fences(text: str, page: str) -> list[Fence]:
    """Every fenced block of the page, at any indentation, in page order."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    fences = []
    index = 0
    while index < len(lines):
        opening = _OPENING.match(lines[index].rstrip("\n"))
        if not opening:
            index += 1
            continue
        indent, marker, info = opening["indent"], opening["fence"], opening["info"]
        closing = re.compile(rf"^[ \t]*{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end].rstrip("\n")):
            end += 1
        if end == len(lines):
            raise PageError(f"{page}:{index + 1}: code fence {marker}{info} is never closed")
        raw_body = lines[index + 1 : end]
        body = "".join(
            line[len(indent) :] if line.startswith(indent) else line.lstrip(" \t")
            for line in raw_body
        )
        fences.append(
            Fence(
                line=index + 1,
                start=offsets[index],
                end=offsets[end + 1],
                body_start=offsets[index + 1],
                body_end=offsets[end],
                indent=indent,
                language=_language(info),
                info=info,
                body=body,
            )
        )
        index = end + 1
    return fences


def _check_no_include_outside_fences(text: str, fences: list[Fence], page: str) -> None:
    inside = [(fence.start, fence.end) for fence in fences]
    offset = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if _INCLUDE.match(line) and not any(start <= offset < end for start, end in inside):
            raise PageError(
                f"{page}:{number}: snippet include outside a code fence; the tests run only "
                f"includes inside python fences: {line.strip()}"
            )
        offset += len(line)


def read_mkdocs_yml(mkdocs_yml: Path) -> dict:
    """mkdocs.yml as plain data; tagged values (``!ENV``, ``!!python/name``) read as None."""

    class IgnoreTags(yaml.SafeLoader):
        pass

    IgnoreTags.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=IgnoreTags)


def read_snippets_config(mkdocs_yml: Path) -> dict:
    """The pymdownx.snippets options of the site, with base paths made absolute."""
    config = read_mkdocs_yml(mkdocs_yml)
    for extension in config.get("markdown_extensions", []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = dict(extension["pymdownx.snippets"] or {})
            break
    else:
        raise PageError(f"{mkdocs_yml}: pymdownx.snippets is not configured")
    base_paths = options.get("base_path", ["."])
    if isinstance(base_paths, str):
        base_paths = [base_paths]
    options["base_path"] = [str((mkdocs_yml.parent / base).resolve()) for base in base_paths]
    return options


class SnippetExpander:
    """pymdownx.snippets' own preprocessor, configured as the site configures it."""

    def __init__(self, options: dict):
        self.options = options
        self.root = Path(options["base_path"][0])

    def expand(self, body: str, where: str) -> str:
        if not any(_INCLUDE.match(line) for line in body.splitlines()):
            return body
        md = markdown.Markdown(
            extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": self.options}
        )
        try:
            lines = md.preprocessors["snippet"].run(body.splitlines())
        except SnippetMissingError as error:
            raise PageError(f"{where}: snippet include not found: {error}") from None
        return "\n".join(lines) + "\n"

    def source_of(self, body: str) -> str | None:
        """The snippet file a body consists of, when it is a single whole-file include."""
        match = _SINGLE_INCLUDE.match(body.strip())
        if not match:
            return None
        return os.path.relpath(self.root / match["path"])


def parse_page(text: str, page: str, expander: SnippetExpander) -> Page:
    """Pair every python fence with the output fence after it; refuse anything else."""
    fences = find_fences(text, page)
    # Tracebacks of the page's code quote the page's own lines, as parsed, even for a page that
    # exists only in memory.
    linecache.cache[page] = (len(text), None, text.splitlines(keepends=True), page)
    _check_no_include_outside_fences(text, fences, page)
    parsed = Page(path=page, fences=fences)
    previous: CodeExample | None = None
    for fence in fences:
        where = f"{page}:{fence.line}"
        if fence.language in PYTHON_LANGUAGES:
            if fence.body.lstrip().startswith(">>>"):
                raise PageError(
                    f"{where}: '>>>' prompts are not run here; write a python block "
                    "followed by a text block holding its output"
                )
            source = expander.source_of(fence.body)
            code = expander.expand(fence.body, where)
            filename, first_line = (source, 1) if source else (page, fence.line + 1)
            previous = CodeExample(page, fence, code, filename, first_line)
            parsed.examples.append(previous)
            continue
        if fence.language in OUTPUT_LANGUAGES:
            directly_after = previous and not text[previous.code_fence.end : fence.start].strip()
            if not directly_after or previous.output_fence is not None:
                raise PageError(f"{where}: output block with no python block directly before it")
            previous.output_fence = fence
            continue
        if fence.language in DISPLAY_LANGUAGES:
            parsed.display_fences.append(fence)
            previous = None
            continue
        if fence.language == "pycon":
            raise PageError(
                f"{where}: pycon blocks are not run here; write a python block "
                "followed by a text block holding its output"
            )
        raise PageError(
            f"{where}: code fence language {fence.language or '(none)'!r} is neither run "
            f"({', '.join(sorted(PYTHON_LANGUAGES))}), an output ({', '.join(OUTPUT_LANGUAGES)}) "
            f"nor display-only ({', '.join(sorted(DISPLAY_LANGUAGES))})"
        )
    return parsed


def _normalise(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.strip("\n").splitlines())


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
        parsed = parse_page(document.text, page, self.expander)
        for example in parsed.examples:
            end = (example.output_fence or example.code_fence).end
            yield Region(example.code_fence.start, end, example, self.evaluate)

    def evaluate(self, example) -> str | None:
        """Sybil's evaluator protocol: a returned string is the failure message."""
        try:
            return check(example.parsed, example.namespace, example.document.path, self.updater)
        except PageError as error:
            return str(error)


# pytest plugin hooks (pyproject.toml loads this module with ``-p``).


def pytest_addoption(parser):
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite stale output blocks on the pages from real runs",
    )


def pytest_configure(config):
    UPDATER.enabled = config.getoption("update_outputs")


def pytest_sessionfinish(session):
    for line in UPDATER.apply():
        print(f"\nupdate-outputs: {line}")


def pytest_unconfigure(config):
    # torch and sympy leave millions of objects behind, and the interpreter's garbage collections
    # at exit walk every one of them: 0.5 s of a 3.5 s doctest run. Frozen objects are skipped;
    # atexit handlers still run, and the memory goes back to the operating system either way.
    gc.freeze()
