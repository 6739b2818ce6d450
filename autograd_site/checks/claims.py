"""The sybil parser that checks the numbers quoted in a page's prose against the code that
computes them.

A claim (``autograd_site.directives``) follows the number it checks::

    the error at h = 10^-7 is 0.38<!-- claim: f"{errors[1e-7]:.2f}" -->,

Its expression is evaluated in the page's namespace, where the code above it on the page has run,
and the prose directly before the comment must end with the value. A release of torch that moves
the number fails the claim with its page and line.
"""

from __future__ import annotations

import os

from sybil import Region

from autograd_site.directives import Claim, find_claims


def check(claim: Claim, namespace: dict) -> str | None:
    """None when the prose shows what the expression computes; else what is wrong."""
    try:
        value = str(eval(claim.expression, namespace))
    except Exception as error:  # noqa: BLE001 - any error of the claim is reported
        return f"{claim.where}: the claim {claim.expression!r} raised {error!r}"
    if not value:
        return f"{claim.where}: the claim {claim.expression!r} is empty"
    if not claim.before.endswith(value):
        shown = claim.before.split()[-1] if claim.before.strip() else ""
        return (
            f"{claim.where}: the prose says {shown!r} where the claim {claim.expression!r} "
            f"computes {value!r}"
        )
    return None


class ClaimParser:
    """A sybil parser: one region per claim, evaluated in page order with the code."""

    def __call__(self, document):
        page = os.path.relpath(document.path)
        for claim in find_claims(document.text, page):
            yield Region(claim.start, claim.end, claim, self.evaluate)

    @staticmethod
    def evaluate(example) -> str | None:
        return check(example.parsed, example.namespace)
