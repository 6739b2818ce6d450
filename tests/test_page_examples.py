"""Unit tests of the page parser: it must run every fence it can and refuse, loudly, every other."""

import textwrap

import pytest

from autograd_site import ROOT
from autograd_site.checks.page_examples import OutputUpdater, check, parse
from autograd_site.pages import (
    PageError,
    SnippetExpander,
    find_fences,
    parse_page,
    read_snippets_config,
)

pytest_plugins = ["pytester"]


@pytest.fixture
def expander(tmp_path):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "hello.py").write_text('print("hello from a snippet")\n')
    (tmp_path / "snippets" / "boom.py").write_text("x = 1\nraise ValueError('boom')\n")
    return SnippetExpander({"base_path": [str(tmp_path)], "check_paths": True})


def page(text):
    return textwrap.dedent(text).lstrip("\n")


def run_page(text, expander, updater=None):
    """Parse and run every example of a page; return the failure messages."""
    parsed = parse(text, "docs/page.md", expander)
    namespace = {}
    failures = []
    for example in parsed.examples:
        try:
            failure = check(example, namespace, "docs/page.md", updater or OutputUpdater())
        except PageError as error:
            failure = str(error)
        if failure:
            failures.append(failure)
    return parsed, failures


def test_finds_fences_whatever_their_indentation_and_attributes(expander):
    text = page("""
        ```python title="plain.py"
        a = 1
        ```

        !!! note

            ```py
            b = a + 1
            ```

        === "Tab"

            ```{ .python .annotate }
            print(b)
            ```

            ```text
            2
            ```

        ??? success "Solution"

            ~~~~python3 linenums="1"
            print(b * 10)
            ~~~~
            ```text
            20
            ```
    """)
    parsed, failures = run_page(text, expander)
    assert [f.line for f in parsed.fences] == [1, 7, 13, 17, 23, 26]
    assert len(parsed.examples) == 4
    assert [e.output_fence.line for e in parsed.examples if e.output_fence] == [17, 26]
    assert failures == []


def test_one_namespace_per_page_in_page_order(expander):
    _, failures = run_page(
        page("""
        ```python
        total = 1
        ```
        ```python
        total += 1
        print(total)
        ```
        ```text
        2
        ```
    """),
        expander,
    )
    assert failures == []


def test_snippet_include_is_expanded_and_run(expander):
    parsed, failures = run_page(
        page("""
        ```python title="snippets/hello.py"
        --8<-- "snippets/hello.py"
        ```

        ```text
        hello from a snippet
        ```
    """),
        expander,
    )
    assert failures == []
    assert parsed.examples[0].filename.endswith("snippets/hello.py")


def test_missing_include_names_page_line_and_path(expander):
    with pytest.raises(PageError, match=r"docs/page\.md:3: snippet include not found.*nope\.py"):
        parse_page(
            page("""
            Text.

            ```python
            --8<-- "snippets/nope.py"
            ```
        """),
            "docs/page.md",
            expander,
        )


def test_include_outside_a_fence_is_refused(expander):
    with pytest.raises(PageError, match=r"docs/page\.md:2: snippet include outside a code fence"):
        parse_page('Text\n--8<-- "snippets/hello.py"\n', "docs/page.md", expander)


@pytest.mark.parametrize(
    ("fence", "message"),
    [
        ("```pycon\n>>> 1\n1\n```\n", r":1: pycon blocks are not run here"),
        ("```python\n>>> 1\n1\n```\n", r":1: '>>>' prompts are not run here"),
        ("```\nprint(1)\n```\n", r":1: code fence language '\(none\)' is neither run"),
        ("```rust\nfn main() {}\n```\n", r":1: code fence language 'rust' is neither run"),
        ("Text\n\n```text\n1\n```\n", r":3: output block with no python block directly before it"),
        ("```python\nprint(1)\n```\nProse.\n```text\n1\n```\n", r":5: output block with no python"),
        ("```python\nprint(1)\n```\n```text\n1\n```\n```text\n1\n```\n", r":7: output block"),
        ("Text\n\n```python\nprint(1)\n", r":3: code fence ```python is never closed"),
    ],
)
def test_fences_that_cannot_be_checked_are_refused(expander, fence, message):
    with pytest.raises(PageError, match=r"docs/page\.md" + message):
        parse_page(fence, "docs/page.md", expander)


def test_display_only_fences_are_counted_not_run(expander):
    parsed = parse_page("```bash\nmake test\n```\n", "docs/page.md", expander)
    assert parsed.examples == []
    assert len(parsed.display_fences) == 1


def test_wrong_output_fails_with_page_line_and_diff(expander):
    _, failures = run_page(
        page("""
        # Title

        ```python
        print(1 + 1)
        ```

        ```text
        3
        ```
    """),
        expander,
    )
    assert len(failures) == 1
    assert failures[0].startswith("docs/page.md:3: the output shown differs")
    assert "--- shown at docs/page.md:7" in failures[0]
    assert "-3\n+2" in failures[0]


def test_output_printed_but_not_shown_fails(expander):
    _, failures = run_page("```python\nprint('surprise')\n```\n", expander)
    assert failures == [
        "docs/page.md:1: the code printed output but the page shows none:\n"
        "surprise\nRun `make update-outputs` to add it from the real run."
    ]


def test_shown_output_that_is_not_printed_fails(expander):
    _, failures = run_page("```python\nx = 1\n```\n```text\n1\n```\n", expander)
    assert "-1" in failures[0]


def test_unexpected_exception_fails_with_traceback_into_the_page(expander):
    _, failures = run_page(
        page("""
        Prose.

        ```python
        a = 1
        b = a / 0
        ```
    """),
        expander,
    )
    assert failures[0].startswith("docs/page.md:3: the code raised unexpectedly:")
    assert 'File "docs/page.md", line 5' in failures[0]
    assert "b = a / 0" in failures[0]
    assert "ZeroDivisionError: division by zero" in failures[0]


def test_exception_in_snippet_points_into_the_snippet_file(expander):
    _, failures = run_page('```python\n--8<-- "snippets/boom.py"\n```\n', expander)
    assert 'snippets/boom.py", line 2' in failures[0]
    assert "ValueError: boom" in failures[0]


def test_expected_exception_is_compared_with_its_message(expander):
    text = page("""
        ```python
        print("before")
        raise ValueError("the exact message")
        ```

        ```text
        before
        Traceback (most recent call last):
          ...
        ValueError: {message}
        ```
    """)
    assert run_page(text.format(message="the exact message"), expander)[1] == []
    failures = run_page(text.format(message="another message"), expander)[1]
    assert "-ValueError: another message\n+ValueError: the exact message" in failures[0]


def test_update_rewrites_inserts_and_removes_output_blocks(tmp_path, expander):
    path = tmp_path / "page.md"
    path.write_text(
        page("""
        ```python
        print("new")
        ```

        ```text
        old
        ```

        !!! note

            ```python
            print("inserted")
            ```

        ```python
        quiet = True
        ```

        ```text
        stale
        ```

        End.
    """)
    )
    updater = OutputUpdater(enabled=True)
    parsed = parse_page(path.read_text(), str(path), expander)
    namespace = {}
    assert [check(example, namespace, str(path), updater) for example in parsed.examples] == [
        None,
        None,
        None,
    ]
    updater.apply()
    assert path.read_text() == page("""
        ```python
        print("new")
        ```

        ```text
        new
        ```

        !!! note

            ```python
            print("inserted")
            ```

            ```text
            inserted
            ```

        ```python
        quiet = True
        ```

        End.
    """)
    rerun = parse_page(path.read_text(), str(path), expander)
    assert all(check(example, {}, str(path), OutputUpdater()) is None for example in rerun.examples)


def test_site_snippet_options_come_from_mkdocs_yml():
    options = read_snippets_config(ROOT / "mkdocs.yml")
    assert options["check_paths"] is True
    assert options["base_path"] == [str(ROOT)]


def test_find_fences_dedents_bodies_inside_containers():
    fences = find_fences("!!! note\n\n    ```python\n    if True:\n        pass\n    ```\n", "p.md")
    assert fences[0].body == "if True:\n    pass\n"


def project_with_pages(pytester):
    """A project whose pages pytest collects as the site's are: returns its docs/ folder."""
    pytester.makefile(
        ".yml", mkdocs="markdown_extensions:\n  - pymdownx.snippets:\n      check_paths: true\n"
    )
    pytester.makeconftest(
        "from pathlib import Path\nfrom sybil import Sybil\n"
        "from autograd_site.checks.page_examples import PageParser\n"
        "pytest_collect_file = Sybil(parsers=[PageParser(Path(__file__).parent / 'mkdocs.yml')],"
        " path='docs', patterns=['*.md']).pytest()\n"
    )
    return pytester.mkdir("docs")


def test_pytest_reports_a_wrong_output_and_update_outputs_fixes_it(pytester):
    """End to end, through sybil and pytest, as `make test` and `make update-outputs` run it."""
    docs = project_with_pages(pytester)
    (docs / "page.md").write_text("```python\nprint(6 * 7)\n```\n\n```text\n41\n```\n")
    flags = ["-p", "autograd_site.checks.plugin", "-p", "no:doctest"]

    failed = pytester.runpytest(*flags)
    failed.assert_outcomes(failed=1)
    failed.stdout.fnmatch_lines(["*docs/page.md:1: the output shown differs*", "-41", "+42"])

    pytester.runpytest(*flags, "--update-outputs").assert_outcomes(passed=1)
    assert (docs / "page.md").read_text() == "```python\nprint(6 * 7)\n```\n\n```text\n42\n```\n"
    pytester.runpytest(*flags).assert_outcomes(passed=1)


def test_a_page_runs_top_to_bottom_however_the_tests_are_shuffled_or_shared(pytester):
    """pytest-randomly shuffles the tests and pytest-xdist shares them out between processes; each
    example uses the one above it, as on a page, so any other order fails."""
    docs = project_with_pages(pytester)
    steps = "".join(
        f"```python\nx{i} = x{i - 1} + 1\nprint(x{i})\n```\n\n```text\n{i}\n```\n\n"
        for i in range(1, 10)
    )
    for name in ("one", "two", "three"):
        (docs / f"{name}.md").write_text(f"```python\nx0 = 0\n```\n\n{steps}")
    flags = ["-p", "autograd_site.checks.plugin", "-p", "no:doctest"]

    for seed in (1, 2, 3):
        pytester.runpytest(*flags, f"--randomly-seed={seed}").assert_outcomes(passed=30)
    pytester.runpytest_subprocess(*flags, "-n", "2").assert_outcomes(passed=30)
    refused = pytester.runpytest_subprocess(*flags, "-n", "2", "--update-outputs")
    refused.stderr.fnmatch_lines(["*--update-outputs rewrites pages in one process: add -n 0"])


def test_warnings_are_part_of_the_output(expander):
    text = (
        "```python\nimport warnings\nprint('a')\nwarnings.warn('careful')\n```\n```text\n{}\n```\n"
    )
    assert run_page(text.format("a\nUserWarning: careful"), expander)[1] == []
    assert "+UserWarning: careful" in run_page(text.format("a"), expander)[1][0]


def test_ellipsis_matches_a_version_dependent_tail_only(expander):
    text = "```python\nprint('message (at /build/path/v1.2:42)')\n```\n```text\n{}\n```\n"
    assert run_page(text.format("message ..."), expander)[1] == []
    assert run_page(text.format("other message ..."), expander)[1] != []


def test_tabs_in_an_output_are_compared_as_the_site_shows_them(expander):
    text = "```python\nprint('a:\\tb')\n```\n```text\n{}\n```\n"
    assert run_page(text.format("a:  b"), expander)[1] == []
    assert run_page(text.format("a: b"), expander)[1] != []
