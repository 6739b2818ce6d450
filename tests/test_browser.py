"""What readers see: every page in Chromium, served offline under a sub-path as GitHub Pages does.

Chromium comes from Debian (`apt-get install -y chromium`); Playwright drives it and never
downloads a browser. Without Chromium these tests are skipped locally and fail under CI=true.
Screenshots of every page, light and dark, land in build/screenshots/ for review; per-page
measurements in build/browser-report.json.
"""

import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pages import ROOT, SITE_PAGES, parsed, url_of

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SUBPATH = "autograd-derived"  # GitHub Pages serves a project site at /<repo>/
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUT = ROOT / "build"
REPORT: dict[str, dict] = {}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # Lets linkchecker exceed its default of 10 requests per second to this host.
        self.send_header("LinkChecker", "allowed")
        super().end_headers()


@contextmanager
def serve(root: Path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def base_url(site, tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / SUBPATH).symlink_to(site, target_is_directory=True)
    with serve(root) as url:
        yield f"{url}{SUBPATH}/"
    OUT.mkdir(exist_ok=True)
    (OUT / "browser-report.json").write_text(json.dumps(REPORT, indent=2, sort_keys=True))


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, base_url):
    """Open a page in a fresh context, recording console errors and every request."""
    contexts = []

    def opener(path: str, init_script: str | None = None, **context_options):
        options = {"viewport": {"width": 1280, "height": 900}, **context_options}
        context = browser.new_context(**options)
        contexts.append(context)
        if init_script:  # runs in the page before any of its own scripts
            context.add_init_script(init_script)
        context.set_default_timeout(10_000)
        tab = context.new_page()
        tab.errors, tab.requests = [], []
        tab.on("console", lambda m: m.type == "error" and tab.errors.append(m.text))
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.on("request", lambda request: tab.requests.append(request.url))
        tab.goto(base_url + path, wait_until="load")
        return tab

    yield opener
    for context in contexts:
        context.close()


def fonts_ready_ms(tab) -> float:
    """ms from navigation until every font the page uses (the math font included) has loaded."""
    return tab.evaluate("document.fonts.ready.then(() => performance.now())")


def serious_accessibility_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_reads_correctly_in_light_and_dark_mode(open_page, base_url, page):
    tab = open_page(url_of(page))
    typeset_ms = fonts_ready_ms(tab)
    math = tab.evaluate(r"""() => ({
        blocks: document.querySelectorAll('.arithmatex').length,
        typeset: document.querySelectorAll('.arithmatex > .katex > math').length,
        errors: document.querySelectorAll('.katex-error').length,
        raw: (() => {  // TeX left as text, outside code (where it may be quoted on purpose)
            const article = document.querySelector('article').cloneNode(true);
            article.querySelectorAll('code, pre, annotation').forEach(node => node.remove());
            return /\\\(|\\\[|\\begin\{/.test(article.textContent);
        })(),
        mathFont: [...document.fonts].some(
            face => face.family.includes('STIX Two Math') && face.status === 'loaded'),
        mathFamily: [...document.querySelectorAll('math')].every(
            math => getComputedStyle(math).fontFamily.startsWith('"STIX Two Math"')),
    })""")
    assert math["typeset"] == math["blocks"], "every math element is typeset"
    assert math["errors"] == 0, "no KaTeX error on the page"
    assert not math["raw"], "no raw TeX on the page"
    assert math["mathFont"] or not math["blocks"], "the math font loads from the site"
    assert math["mathFamily"], "every formula is set in the math font"

    images = tab.evaluate("""Array.from(document.querySelectorAll('article img')).map(i => ({
        src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0,
        width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height}))""")
    assert all(i["loaded"] and i["width"] > 100 and i["height"] > 100 for i in images), images

    outside = [url for url in tab.requests if not url.startswith(base_url.split(SUBPATH)[0])]
    assert outside == [], "no request leaves the site"
    assert tab.errors == [], "no console errors"
    assert serious_accessibility_violations(tab) == []

    name = url_of(page).strip("/") or "index"
    OUT.joinpath("screenshots").mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=OUT / "screenshots" / f"{name}-light.png", full_page=True)
    tab.click("button[data-palette-index]:visible")
    assert tab.get_attribute("body", "data-md-color-scheme") == "slate", "dark mode toggles"
    assert serious_accessibility_violations(tab) == [], "dark mode is accessible too"
    tab.screenshot(path=OUT / "screenshots" / f"{name}-dark.png", full_page=True)

    REPORT[page] = {
        "fonts_ready_ms": typeset_ms,
        "images": len(images),
        "requests": len(tab.requests),
        "math_elements": math["blocks"],
    }


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_is_accessible_on_a_phone(open_page, page):
    # Wide formulas and tables scroll sideways there; keyboard users must be able to reach them.
    phone = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
    tab = open_page(url_of(page), **phone)
    tab.wait_for_function("window.document$ !== undefined")  # the theme has started
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 412, "nothing widens the page"
    assert serious_accessibility_violations(tab) == []


def test_dark_mode_follows_the_system_until_the_reader_chooses(open_page):
    tab = open_page("", color_scheme="dark")
    assert tab.get_attribute("body", "data-md-color-scheme") == "slate", "the system's dark mode"
    toggle = tab.locator("button[data-palette-index]:visible")
    assert toggle.count() == 1
    assert toggle.get_attribute("title") == "Switch to light mode"
    toggle.click()
    assert tab.get_attribute("body", "data-md-color-scheme") == "default"
    tab.emulate_media(color_scheme="dark")
    tab.reload()
    assert tab.get_attribute("body", "data-md-color-scheme") == "default", "the choice is kept"
    assert tab.locator("button[data-palette-index]:visible").get_attribute("title") == (
        "Switch to dark mode"
    )
    assert tab.errors == []


def test_the_theme_script_starts_once_after_the_first_paint(open_page):
    # The theme's first change to a page: it gives each code block's <pre> an id, __code_<n>.
    record = """new MutationObserver((changes, observer) => {
        if (document.querySelector('pre[id^="__code_"]')) {
            window.startedAt = performance.now(); observer.disconnect()
        }
    }).observe(document, {subtree: true, attributeFilter: ['id']})"""
    tab = open_page(url_of("docs/vjp-cheat-sheet.md"), init_script=record)
    tab.wait_for_function("window.startedAt")
    started = tab.evaluate("""() => ({
        paint: performance.getEntriesByName('first-paint')[0].startTime,
        started: window.startedAt,
        ids: [...document.querySelectorAll('pre')].map(pre => pre.id),
    })""")
    assert started["paint"] < started["started"], "the page is painted before the theme starts"
    assert all(i.startswith("__code_") and "__code___code_" not in i for i in started["ids"]), (
        "the theme started once (twice, it would have renamed __code_0 to __code___code_0)"
    )
    assert not tab.errors


def test_tables_look_as_the_theme_styles_them(open_page):
    # Tables are wrapped at build time and carry a class, so the theme leaves them alone; they
    # must look exactly like a table the theme styles (one without a class).
    tab = open_page(url_of("docs/vjp-cheat-sheet.md"))
    styles = tab.evaluate("""() => {
        const table = document.querySelector('article table');
        const plain = table.cloneNode(true);
        plain.removeAttribute('class');
        document.querySelector('article').append(document.createElement('div'), plain);
        const properties = ['display', 'font-size', 'border-top', 'border-radius',
            'background-color', 'max-width', 'overflow-x', 'padding-top', 'padding-left',
            'font-weight', 'vertical-align', 'text-align', 'min-width', 'margin-top'];
        const look = element => properties.map(p => getComputedStyle(element).getPropertyValue(p));
        const parts = t => [t, t.querySelector('th'), t.querySelector('td'),
            t.querySelector('td > :first-child')];
        return [parts(table).map(look), parts(plain).map(look)];
    }""")
    ours, theirs = styles
    assert ours == theirs
    assert tab.locator("article .md-typeset__scrollwrap > .md-typeset__table > table").count() == 1


def test_search_finds_the_jacobians_page(open_page):
    tab = open_page("")
    tab.click("input.md-search__input")
    tab.keyboard.type("Jacobian", delay=20)  # the theme searches on key events
    tab.wait_for_selector(".md-search-result__item a")
    hrefs = tab.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert any("jacobians-and-vector-jacobian-products/" in href for href in hrefs), hrefs


def test_copy_button_copies_runnable_code_without_prompts_or_output(open_page):
    page = "docs/jacobians-and-vector-jacobian-products.md"
    tab = open_page(url_of(page), permissions=["clipboard-read", "clipboard-write"])
    examples = parsed(page).examples
    copied = []
    for index in range(3):  # the first code block, the snippet include, and the block after it
        block = tab.locator("div.language-python.highlight").nth(index)
        block.hover()
        block.locator("button.md-code__button[data-md-type='copy']").click()
        copied.append(tab.evaluate("navigator.clipboard.readText()"))
    expected = [example.code for example in examples[:3]]
    assert [c.strip() for c in copied] == [e.strip() for e in expected]
    assert not any(">>>" in c or "Traceback" in c for c in copied)
    assert tab.locator("div.language-text button.md-code__button").count() == 0, (
        "output blocks offer no copy button"
    )
    code_blocks = tab.locator("div.language-python.highlight")
    assert tab.locator("div.language-python.highlight > pre > .md-code__nav > button").count() == (
        code_blocks.count()
    ), "one copy button per code block: written at build time, none added by the theme"
    assert tab.get_by_text("Copied to clipboard").is_visible(), "the theme confirms the copy"


def linkcheck(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """linkchecker over the local site only, anchors included."""
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=1000\n\n[AnchorCheck]\n")
    return subprocess.run(
        [
            Path(sys.executable).with_name("linkchecker"),
            "--config",
            str(config),
            "--no-status",
            "--no-robots",
            url,
        ],
        capture_output=True,
        text=True,
    )


def test_no_broken_links_or_anchors(base_url, tmp_path):
    result = linkcheck(base_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 warnings found. 0 errors found." in result.stdout, result.stdout


def test_link_check_catches_a_broken_anchor(tmp_path):
    (tmp_path / "index.html").write_text('<a href="other.html#missing">x</a>')
    (tmp_path / "other.html").write_text('<h1 id="present">Other</h1>')
    with serve(tmp_path) as url:
        result = linkcheck(url, tmp_path)
    assert result.returncode == 1
    assert "Anchor `missing' (decoded: `missing') not" in result.stdout, result.stdout
