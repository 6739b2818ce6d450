"""The directives a page carries for its checks, in HTML comments that readers never see.

Two kinds, both shared by the build (which strips them) and the checks (which evaluate them):

* a derivation directive, on the line directly above a display-math block, says what the block
  derives; ``autograd_site.checks.derivations`` checks it against sympy, torch and finite
  differences::

      <!-- derivation: derivative of 3*x**2 - 4*x wrt x at x=1 -->
      $$ ... $$

* a claim, directly after a number quoted in prose, gives the Python expression that computes it;
  ``autograd_site.checks.claims`` evaluates it in the page's namespace, after the code above it
  has run, and the text before the comment must end with its value::

      the error at h = 10^-7 is 0.38<!-- claim: f"{errors[1e-7]:.2f}" -->,

Directives shown inside code fences (examples of the syntax) are neither read nor stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from autograd_site.pages import PageError, find_fences

MISPLACED = "a derivation directive must sit on the line directly before a $$ block"

DERIVATION = re.compile(r"^[ \t]*<!-- derivation:(?P<body>.*?)-->[ \t]*$")
CLAIM = re.compile(r"<!-- claim:(?P<expression>.*?)-->", re.DOTALL)
_DISPLAY = re.compile(r"^[ \t]*(?:\$\$|\\\[|\\begin\{(?P<environment>[\w*]+)\})")


@dataclass
class Derivation:
    """A display-math block with its directive, or a directive with no block after it."""

    page: str
    text: str  # the whole page
    start: int  # the directive line through the closing delimiter
    end: int
    directive: str | None  # the directive's body; None when the block has none
    math_start: int = 0  # the LaTeX between the delimiters
    math_end: int = 0
    problem: str | None = None  # what is wrong with the page's structure

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    @property
    def checked(self) -> bool:
        return self.directive not in (None, "illustrative")


@dataclass
class Claim:
    """A number in prose and the expression that computes it."""

    page: str
    line: int
    start: int  # the comment
    end: int
    expression: str
    before: str  # the prose before the comment, on its line

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def _fence_spans(text: str, page: str) -> list[tuple[int, int]]:
    try:
        return [(fence.start, fence.end) for fence in find_fences(text, page)]
    except PageError:  # an unclosed fence: the page's code examples report it
        return []


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(begin <= offset < end for begin, end in spans)


def find_derivations(text: str, page: str) -> list[Derivation]:
    """Every display-math block outside code fences, and every directive, in page order."""
    fences = _fence_spans(text, page)
    lines = text.splitlines(keepends=True)
    offsets = list(accumulate(map(len, lines), initial=0))
    found: list[Derivation] = []
    pending: tuple[int, str] | None = None  # (offset, body) of a directive awaiting its block

    def stray(offset: int, problem: str) -> Derivation:
        end = text.find("\n", offset) + 1 or len(text)
        derivation = Derivation(page, text, offset, end, None)
        derivation.problem = f"{page}:{derivation.line(offset)}: {problem}"
        return derivation

    index = 0
    while index < len(lines):
        start, line = offsets[index], lines[index].rstrip("\r\n")
        index += 1
        in_fence = _inside(start, fences)
        display = None if in_fence else _DISPLAY.match(line)
        if pending and not display:
            found.append(stray(pending[0], MISPLACED))
            pending = None
        if in_fence:
            continue
        if line.lstrip().startswith("<!-- derivation:"):
            directive = DERIVATION.match(line)
            if directive:
                pending = (start, " ".join(directive["body"].split()))
            else:
                found.append(
                    stray(start, "a derivation directive is one line: <!-- derivation: ... -->")
                )
        elif display:
            opener = display.group().lstrip()
            closer = {"$$": "$$", "\\[": "\\]"}.get(opener)
            math_start = start + line.index(opener) + (len(opener) if closer else 0)
            closer = closer or f"\\end{{{display['environment']}}}"
            math_end = text.find(closer, math_start)
            if math_end < 0:
                found.append(stray(start, f"display math {opener} is never closed by {closer}"))
                break
            closing = math_end + len(closer)
            if opener not in ("$$", "\\["):
                math_end = closing  # an environment is itself the math
            index = text.count("\n", 0, closing) + 1  # the line after the closing delimiter
            found.append(
                Derivation(
                    page,
                    text,
                    pending[0] if pending else start,
                    offsets[min(index, len(lines))],
                    pending[1] if pending else None,
                    math_start,
                    math_end,
                )
            )
            pending = None
    if pending:
        found.append(stray(pending[0], MISPLACED))
    return found


def find_claims(text: str, page: str) -> list[Claim]:
    """Every claim outside code fences, in page order."""
    fences = _fence_spans(text, page)
    claims = []
    for match in CLAIM.finditer(text):
        if _inside(match.start(), fences):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        claims.append(
            Claim(
                page=page,
                line=text.count("\n", 0, match.start()) + 1,
                start=match.start(),
                end=match.end(),
                expression=" ".join(match["expression"].split()),
                before=text[line_start : match.start()],
            )
        )
    return claims


def strip_directives(markdown: str) -> str:
    """The page as readers get it: no derivation directives, no claims (except those shown in
    code fences, as examples of the syntax)."""
    fences = _fence_spans(markdown, "")
    kept, offset = [], 0
    for line in markdown.splitlines(keepends=True):
        inside = _inside(offset, fences)
        if inside or not DERIVATION.match(line.rstrip("\r\n")):
            kept.append(line)
        offset += len(line)
    text = "".join(kept)
    fences = _fence_spans(text, "")
    return CLAIM.sub(lambda m: m[0] if _inside(m.start(), fences) else "", text)
