r"""Check the derivations on the tutorial pages with sympy, torch and finite differences.

Every display-math block on a page (``$$ ... $$``) is directly preceded by a one-line directive in
an HTML comment, which the site's mkdocs hook strips, so readers never see it::

    <!-- derivation: derivative of 3*x**2 - 4*x wrt x at x=1 -->
    <!-- derivation: gradient of x1**2 + x2**2 wrt x1, x2 at x=[0, 1] -->
    <!-- derivation: jacobian of [3*a1**3 - b1**2, 3*a2**3 - b2**2] wrt a1, b1, a2, b2 -->
    <!-- derivation: vjp of [x1**2, x2**2] wrt x1, x2 with v=[1, 1] at x=[0, 1] -->
    <!-- derivation: value of [3*a1**3 - b1**2, 3*a2**3 - b2**2] -->
    <!-- derivation: illustrative -->

``KIND of F [wrt VARIABLES] [with v=V] [at POINT]``. F is a sympy expression, or a list of them
for a vector function, in variables named by a letter and an optional index (``x``, ``a1``).
``wrt`` orders the Jacobian's columns (default: the variables, sorted); ``at`` gives scalars or
whole vectors (``at a=[2, 3], b=[6, 4]`` means a1=2, a2=3, b1=6, b2=4). ``illustrative`` marks a
generic form (∂yᵢ/∂xⱼ, f'(ξ)) that nothing can check.

A block holds equations separated by ``\qquad``. The left side of each names what it shows: ``J``
(the Jacobian, numerator layout; at a point: ``J(1, 2, 3)``, coordinates in ``wrt`` order),
``J^{\intercal} v``, ``\nabla_{x} y`` or
``\frac{\partial y}{\partial x_{i}}`` (the gradient), ``\frac{dy}{dx}`` or ``f'(x)`` (the
derivative; at a point: ``f'(1)``, ``\left.\frac{dy}{dx}\right|_{x=2}``), anything else the
value of F. Every later term that is a concrete expression is compared, entry by entry, with sympy's
result for F: symbolically, or, for a term made of numbers only, at the point, where torch (float64
``torch.autograd.functional.jacobian``) and central finite differences must agree too. Terms in
notation (∂, ∇, Σ, generic indices) are skipped, but the last term must be concrete. In the
LaTeX, ``x`` is the vector (x1, x2, ...) of indexed variables, ``v`` the directive's v; powers and
functions of a vector act element-wise, ``\odot`` multiplies element-wise, juxtaposed matrices
multiply.

Why the LaTeX reader is hand-written: sympy's ``parse_latex``, with either of its backends
(``backend="antlr"``, ``backend="lark"``), reads scalar algebra, and the pages write vectors.

* It reads ``x`` and ``x_{1}`` as two unrelated symbols, so ``x`` cannot be the vector (x1, x2,
  ...). With a vector put in for ``x`` afterwards, ``3x^{2}`` becomes a matrix power, which sympy
  refuses for a vector, and ``\sin(x)`` stays unevaluated instead of acting on each entry.
* The lark backend refuses ``\odot``, ``\operatorname{diag}``, ``^{\intercal}``, ``\big(``,
  ``\\[1ex]`` between a matrix's rows, two matrices side by side, a second ``=`` and evaluation
  bars. The antlr backend, even with ``strict=True``, reads ``\odot``, ``\operatorname{diag}`` and
  ``^{\intercal}`` as products of made-up symbols (``odot``, ``operatorname``, ``intercal``),
  reads an ``=``-chain as ``False``, even ``2 = 2 = 2``, and reads no bmatrix and no evaluation
  bar.
* Both read ``0.5`` as a float; the reader reads it as 1/2, so that a term compares exactly.
* A failure names the page line of the mistake, down to a matrix's entry. ``parse_latex`` returns
  an expression with no positions for a matrix's entries. Without ``strict``, its antlr backend
  drops what it cannot read (``2 + (3h`` reads as 2); with it, it says "Invalid LaTeX" and not
  where. Its lark backend gives no position at the end of the input, and returns an unresolved
  parse tree (``Tree('_ambig', ...)``), not an expression, for ``\exp(x_{1}) + \sqrt{x_{2}}``.

The pages write a restricted LaTeX (CONTRIBUTING.md), which a small recursive-descent parser reads
with these conventions, refusing anything else with its position. sympy and torch are imported
only when a checked block is evaluated.

The modules: ``directive`` reads the directive and computes what a block may show, by sympy,
torch and finite differences; ``latex`` reads one term of the LaTeX into sympy; ``equations``
compares a block's equations with the directive; ``failure`` holds what they raise. This module
is the entry point: `check` and the sybil parser.
"""

from __future__ import annotations

import os

from sybil import Region

from autograd_site.checks.derivations.directive import Directive, parse_directive
from autograd_site.checks.derivations.equations import check_block
from autograd_site.checks.derivations.failure import Failure, Notation
from autograd_site.directives import Derivation, find_derivations

__all__ = [
    "DerivationParser",
    "Directive",
    "Failure",
    "Notation",
    "check",
    "evaluate",
    "parse_directive",
]


def check(derivation: Derivation) -> str | None:
    """None when the block is illustrative or every checked term is right; else what is wrong."""
    d = derivation
    if d.problem:
        return d.problem
    if d.directive is None:
        return (
            f"{d.page}:{d.line(d.start)}: display math with no derivation directive on the "
            "line before it: add `<!-- derivation: KIND of F ... -->` (see "
            "autograd_site/checks/derivations) or, for a generic form, "
            "`<!-- derivation: illustrative -->`"
        )
    if d.directive == "illustrative":
        return None
    try:
        directive = parse_directive(d.directive)
        check_block(d.text[d.math_start : d.math_end], d.math_start, directive, d.start)
    except Failure as failure:
        offset = d.start if failure.offset is None else failure.offset
        return f"{d.page}:{d.line(offset)}: {failure}"
    return None


class DerivationParser:
    """A sybil parser: one region per display-math block, and per misplaced directive."""

    def __call__(self, document):
        page = os.path.relpath(document.path)
        for derivation in find_derivations(document.text, page):
            yield Region(derivation.start, derivation.end, derivation, evaluate)


def evaluate(example) -> str | None:
    """Sybil's evaluator protocol: a returned string is the failure message."""
    return check(example.parsed)
