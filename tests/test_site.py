"""The built site: strict build, and what a reader sees is exactly what the doctests ran."""

import html
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from autograd_site.build import figures, hooks, theme, typeset
from pages import PAGES, ROOT, SUBPATH, built_html, mkdocs_build, parsed, url_of, with_code

pytestmark = pytest.mark.build


class CodeBlocks(HTMLParser):
    """The text of every <pre> block, in page order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._depth += 1
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.blocks[-1] += data


@pytest.mark.parametrize("page", PAGES)
def test_the_site_shows_exactly_the_code_and_outputs_the_tests_ran(site, page):
    """Every fence the site renders is one the doctests ran, showed as output, or display-only."""
    shown = [block.strip("\n") for block in CodeBlocks(built_html(site, page)).blocks]
    page_fences = parsed(page)
    tested = []
    for fence in page_fences.fences:
        example = next((e for e in page_fences.examples if e.code_fence is fence), None)
        tested.append((example.code if example else fence.body).strip("\n"))
    assert shown == tested


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset_at_build_time_and_styled_only_where_present(site, page):
    text = built_html(site, page)
    assert not re.search(r'class="arithmatex">\\[(\[]', text), "no raw TeX left for a browser"
    links = re.findall(r'<link rel="(?:stylesheet|preload)" href="([^"]*assets/math/[^"]*)"', text)
    if "<math" in text:
        assert [link.rsplit("/", 1)[-1] for link in links] == ["stix-two-math.woff2", "math.css"]
        for href in links:
            assert not href.startswith(("/", "http")), "links must be relative (sub-path hosting)"
            assert (site / url_of(page) / href).resolve().is_file()
        assert "mathvariant=" not in text.replace('mathvariant="normal"', ""), (
            "browsers ignore every mathvariant but normal: the letters are written in Unicode"
        )
    else:
        assert links == []
    assert not re.search(r'<script[^>]*src="[^"]*(mathjax|katex)', text), "no math script"


def test_the_math_font_holds_every_character_the_formulas_use(site):
    from fontTools.ttLib import TTFont

    font = TTFont(site / "assets/math/stix-two-math.woff2")
    held = set(map(chr, font.getBestCmap()))
    for page in PAGES:
        missing = typeset.characters(built_html(site, page)) - held
        assert not missing, f"{page}: the math font lacks {sorted(missing)}"
    assert "MATH" in font, "its MATH table lays out fractions, scripts and stretched brackets"
    assert (site / "assets/math/stix-two-math.woff2").stat().st_size < 50_000, "cut to what is used"


@pytest.mark.parametrize("figure", sorted(figures.FIGURES))
def test_every_generated_figure_is_an_svg_shown_on_one_page(site, figure):
    svg = (site / figure).read_text(encoding="utf-8")
    assert "<svg" in svg
    showing = [
        page
        for page in PAGES
        if re.search(rf'<img [^>]*src="(\.\./)?{figure}"', built_html(site, page))
    ]
    assert len(showing) == 1, showing


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_markup_reaches_the_reader(site, page):
    text = html.unescape(built_html(site, page))
    assert "--8<--" not in text
    assert "derivation:" not in text, "directives live in HTML comments, which must be stripped"
    assert "$$" not in re.sub(r'<div class="arithmatex">.*?</div>', "", text, flags=re.S)


@pytest.mark.parametrize(
    ("bad_page", "message"),
    [
        ('```python\n--8<-- "snippets/missing.py"\n```\n', "snippets/missing.py"),
        ("[a broken link](no-such-page.md)\n", "no-such-page.md"),
        ("[a broken anchor](index.md#no-such-anchor)\n", "no-such-anchor"),
        ("Text.\n\n$$\n\\frac{a}{\n$$\n", "broken.md:6: cannot typeset '\\\\frac{a}{'"),
        # The page, the line and the formula; why it cannot be shown is typeset.py's to word.
        (
            "Text.\n\nA bold $\\mathbf{\\partial}$.\n",
            "broken.md:5: cannot typeset '\\\\mathbf{\\\\partial}'",
        ),
    ],
)
def test_a_broken_page_fails_the_build_with_its_name(tmp_path, bad_page, message):
    project = tmp_path / "project"
    for name in ("docs", "snippets", "autograd_site", "overrides"):
        shutil.copytree(ROOT / name, project / name)
    for name in ("mkdocs.yml", "CONTRIBUTING.md"):
        shutil.copy(ROOT / name, project)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (ROOT / ".cache").mkdir(exist_ok=True)
    (project / ".cache").symlink_to(ROOT / ".cache")  # executed notebooks, figures, math
    (project / "docs" / "broken.md").write_text(f"# Broken\n\n{bad_page}")
    config = (project / "mkdocs.yml").read_text().replace("nav:\n", "nav:\n  - Broken: broken.md\n")
    (project / "mkdocs.yml").write_text(config)

    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize("page", with_code())
def test_pages_with_outputs_state_the_torch_they_were_verified_with(site, page):
    stamp = re.search(r"Outputs verified with torch ([^<]+)<", built_html(site, page))
    assert stamp, "no torch version on the page"
    assert stamp[1] == version("torch")


def test_the_contributor_guide_is_on_the_site(site):
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    title = guide.splitlines()[0].removeprefix("# ")
    assert f">{title}<" in built_html(site, "docs/contributing.md")


def test_a_warm_build_loads_nbconvert_only_when_a_notebook_needs_converting():
    """autograd_site.build.deferred_imports: loading the config leaves nbconvert unloaded."""
    probe = """
import sys
from mkdocs.config import load_config
load_config("mkdocs.yml")
assert "mkdocs_jupyter.plugin" in sys.modules, "the plugin is loaded"
assert "nbconvert" not in sys.modules, "nbconvert was imported with the plugin"
from mkdocs_jupyter import convert
assert callable(convert.nb2html) and "nbconvert" in sys.modules, "convert loads on first use"
"""
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_the_build_refuses_a_theme_release_the_overrides_were_not_checked_against(monkeypatch):
    monkeypatch.setattr(theme, "version", lambda name: "9.9.0")
    with pytest.raises(PluginError, match=r"mkdocs-material 9\.9\.0 .* written against 9\.8\.2"):
        theme.check_material_version()


def test_the_theme_release_the_overrides_fit_is_the_one_pinned():
    pin = re.search(r'"mkdocs-material==([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"))
    assert pin[1] == theme.MATERIAL


def test_the_hooks_edit_page_content_and_leave_the_theme_s_html_alone():
    assert hasattr(hooks, "on_page_content")
    assert not hasattr(hooks, "on_post_page"), "the theme's HTML changes through overrides/"
    assert not hasattr(hooks, "on_post_template")


@pytest.mark.parametrize("page", with_code())
def test_output_blocks_are_marked_for_the_theme_to_give_no_copy_button(site, page):
    text = built_html(site, page)
    assert re.search(r'class="language-text highlight no-copy"', text), "output blocks marked"
    assert not re.search(r'class="language-(?!text)[\w-]+ highlight[^"]*no-copy', text), (
        "code keeps its copy button"
    )


@pytest.mark.parametrize("page", with_code())
def test_notebook_links_sit_right_under_the_title(site, page):
    assert re.search(r'</h1>\s*<p class="notebook-links">', built_html(site, page))


def lychee(root, folder) -> subprocess.CompletedProcess:
    """lychee over the built files of ``folder``, offline: every link and anchor between them, and
    every image, stylesheet and script they load. Links to a folder must reach its index.html, and
    links from the site root ("/<repository>/...", in the 404 page) resolve under ``root``."""
    return subprocess.run(
        [
            Path(sys.executable).with_name("lychee"),
            *("--offline", "--include-fragments", "--no-progress"),
            *("--index-files", "index.html", "--root-dir", str(root), str(folder)),
        ],
        capture_output=True,
        text=True,
    )


def test_no_broken_links_or_anchors(site, tmp_path):
    """Markdown links are checked by the strict build; this also checks what the theme, the
    hooks and the notebook converter write."""
    (tmp_path / SUBPATH).symlink_to(site, target_is_directory=True)
    result = lychee(tmp_path, tmp_path / SUBPATH)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 Errors " in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("link", "error"),
    [
        ("other.html#missing", "/site/other.html#missing (at 1:10) | Cannot find fragment"),
        ("#missing", "/site/index.html#missing (at 1:10) | Cannot find fragment"),
        ("gone/", "/site/gone (at 1:10) | File not found"),
        ("/site/other.html#missing", "/site/other.html#missing (at 1:10) | Cannot find fragment"),
    ],
)
def test_the_link_check_catches_a_broken_link(tmp_path, link, error):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f'<a href="{link}">x</a><a href="other.html">y</a>')
    (site / "other.html").write_text('<h1 id="present">Other</h1>')
    result = lychee(tmp_path, site)
    assert result.returncode != 0
    assert error in result.stdout, result.stdout
