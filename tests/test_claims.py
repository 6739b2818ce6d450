"""Claims: a number quoted in prose is checked against the expression that computes it."""

import pytest
from sybil import Document, Sybil

from autograd_site.checks.claims import ClaimParser
from autograd_site.checks.page_examples import PageParser
from autograd_site.directives import find_claims, strip_directives
from pages import PAGES, ROOT

PAGE = """\
```python
errors = {1e-7: 0.3836}
```

The error at h = 10^-7 is SHOWN<!-- claim: f"{errors[1e-7]:.2f}" -->, far above the rest.
"""


def failures(text: str) -> list[str]:
    """Run a page's code and claims in page order, as the doctests do; return what failed."""
    document = Document(text, "docs/page.md")
    for parser in (PageParser(ROOT / "mkdocs.yml"), ClaimParser()):
        for region in parser(document):
            document.add(region)
    messages = []
    for example in document.examples():
        try:
            example.evaluate()
        except Exception as error:  # noqa: BLE001 - sybil raises its failure type
            messages.append(str(error))
    return messages


def test_a_claim_that_matches_the_computation_passes():
    assert failures(PAGE.replace("SHOWN", "0.38")) == []


def test_a_claim_the_computation_contradicts_fails_with_page_and_line():
    [message] = failures(PAGE.replace("SHOWN", "0.39"))
    assert "docs/page.md:5: the prose says '0.39' where the claim" in message
    assert "computes '0.38'" in message


def test_a_claim_that_raises_fails_with_page_and_line():
    text = PAGE.replace("SHOWN", "0.38").replace("errors[1e-7]", "errors[1e-8]")
    [message] = failures(text)
    assert "docs/page.md:5: the claim" in message
    assert "KeyError" in message


def test_a_claim_is_evaluated_after_the_code_above_it_only():
    text = PAGE.replace("SHOWN", "0.38")
    code, prose = text.split("\n\n", 1)
    [message] = failures(prose + "\n" + code + "\n")
    assert "NameError" in message


def test_claims_inside_code_fences_are_examples_and_stay():
    text = '```markdown\nis 0.38<!-- claim: f"{x:.2f}" -->\n```\n'
    assert find_claims(text, "p.md") == []
    assert strip_directives(text) == text


def test_readers_never_see_a_claim():
    stripped = strip_directives(PAGE.replace("SHOWN", "0.38"))
    assert "claim" not in stripped
    assert "The error at h = 10^-7 is 0.38, far above the rest." in stripped


@pytest.mark.parametrize("page", PAGES)
def test_the_page_claims_are_collected_by_the_doctests(page):
    collected = Sybil(parsers=[ClaimParser()]).parse(ROOT / page)
    assert len(list(collected)) == len(find_claims((ROOT / page).read_text(), page))
