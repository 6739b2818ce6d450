"""The page model that the build and the checks share: fences, snippet includes, code and outputs.

A page is read one way only. The checks run the code this module finds, and the build turns the
same code into the page's notebook, so what a reader runs is what the tests ran. Fences are found
by sybil's Markdown fence lexer (the whole info string kept, at any indentation: inside
admonitions, collapsible solutions and content tabs); includes are expanded by pymdownx.snippets'
own preprocessor with the site's options from mkdocs.yml. What is left to this module is the
site's convention, which no library knows: a ``python`` fence, then the ``text`` fence holding its
output, and every other fence either display-only or refused with its page and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from pymdownx.snippets import SnippetMissingError
from sybil import Document
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

PYTHON_LANGUAGES = {"python", "py", "python3"}
OUTPUT_LANGUAGES = {"text"}
# Shown, never run: shell commands and diagram sources. Anything else is refused.
DISPLAY_LANGUAGES = {"bash", "console", "shell", "sh", "mermaid", "yaml", "toml"}
TRACEBACK_HEADER = "Traceback (most recent call last):"

_LEXER = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)$\n?", re.MULTILINE))
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

    @property
    def raises(self) -> bool:
        return self.output_fence is not None and TRACEBACK_HEADER in self.output_fence.body


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
    fences = []
    for region in _LEXER(Document(text, page)):
        line = text.count("\n", 0, region.start) + 1
        info = region.lexemes["info"].strip()
        source = region.lexemes["source"]
        body_start = min(region.start + source.offset, len(text))
        closing_line = text.rfind("\n", 0, region.end) + 1
        closed = region.end < len(text) or re.fullmatch(
            r"[ \t>]*(`{3,}|~{3,})[ \t]*", text[closing_line : region.end]
        )
        if not closed or closing_line <= region.start:
            opening = text[region.start : text.find("\n", region.start)].strip()
            raise PageError(f"{page}:{line}: code fence {opening} is never closed")
        fences.append(
            Fence(
                line=line,
                start=region.start,
                end=region.end + 1 if text[region.end : region.end + 1] == "\n" else region.end,
                body_start=body_start,
                body_end=closing_line,
                indent=re.match(r"[ \t]*", text[region.start :])[0],
                language=_language(info),
                info=info,
                body=str(source),
            )
        )
    fences.sort(key=lambda fence: fence.start)
    # sybil's lexer also reports a fence shown inside a longer one (````markdown around ```python):
    # it is part of the outer fence's text, never run.
    outermost: list[Fence] = []
    for fence in fences:
        if not outermost or fence.start >= outermost[-1].end:
            outermost.append(fence)
    return outermost


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
