"""The site's pages and the derivation checker: every display block is checked or marked
illustrative, the worked examples stay checked, and readers never see a directive."""

import pytest

from autograd_site.build.hooks import on_page_markdown
from autograd_site.checks.derivations import check
from autograd_site.directives import find_derivations, strip_directives
from pages import PAGES, ROOT

Q = "[3*a1**3 - b1**2, 3*a2**3 - b2**2]"  # the function of the Jacobian page's worked example


@pytest.mark.parametrize("page", PAGES)
def test_every_display_block_is_checked_or_marked_illustrative_and_checks(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    for derivation in find_derivations(text, page):
        assert derivation.directive is not None, check(derivation)
        assert check(derivation) is None


# The worked examples of the seed: each must stay checked, never drift to illustrative.
WORKED_EXAMPLES = {
    ("docs/computational-graphs.md", "derivative of 2*x**4 + x**3 + 3*x**2 + 5*x + 1 wrt x at"),
    ("docs/derivatives-and-finite-differences.md", "derivative of 3*x**2 - 4*x wrt x at"),
    ("docs/gradients-of-scalar-functions.md", "gradient of x1**2 + x2**2 + x3**2 + x4**2 wrt"),
    ("docs/gradients-of-scalar-functions.md", "gradient of x1 + x2 + x3 + x4 wrt"),
    ("docs/jacobians-and-vector-jacobian-products.md", "jacobian of [x1**2, x2**2, x3**2] wrt"),
    ("docs/jacobians-and-vector-jacobian-products.md", "vjp of [x1**2, x2**2, x3**2] wrt"),
    ("docs/jacobians-and-vector-jacobian-products.md", f"value of {Q} wrt"),
    ("docs/jacobians-and-vector-jacobian-products.md", f"jacobian of {Q} wrt"),
    ("docs/jacobians-and-vector-jacobian-products.md", f"vjp of {Q} wrt"),
}


def test_the_worked_examples_are_checked():
    checked = {
        (page, d.directive)
        for page in PAGES
        for d in find_derivations((ROOT / page).read_text(encoding="utf-8"), page)
        if d.checked
    }
    missing = {
        (page, start)
        for page, start in WORKED_EXAMPLES
        if not any(p == page and directive.startswith(start) for p, directive in checked)
    }
    assert missing == set()


@pytest.mark.parametrize("page", PAGES)
def test_the_site_strips_every_directive_the_checker_reads(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    stripped = on_page_markdown(text, page=None, config=None, files=None)
    assert "derivation:" not in stripped
    assert len(find_derivations(stripped, page)) == len(find_derivations(text, page))


def test_directives_shown_as_examples_in_code_fences_are_kept():
    example = "<!-- derivation: value of x -->\n$$\ny = x\n$$\n"
    page = f"{example}\n````markdown\n{example}````\n"
    assert strip_directives(page) == page.replace(example, example.partition("\n")[2], 1)
