"""What readers see: every page in Chromium, served offline under a sub-path as GitHub Pages does.

Chromium comes from Debian (`apt-get install -y chromium`); Playwright drives it and never
downloads a browser (autograd_site/local_site.py, shared with `make bench`). Without Chromium
these tests are skipped locally and fail under CI=true. Each test waits for the state it checks
(Playwright's locators and expect, or wait_for_function), never for a fixed time. With
``--screenshots DIR`` (`make screenshots`) every page is saved there, light and dark, for review.
"""

import os

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from autograd_site import local_site
from pages import ROOT, SITE_PAGES, SUBPATH, parsed, url_of

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
expect.set_options(timeout=10_000)  # as the pages' own default: a loaded machine is slow
# The theme's light/dark toggle: a label for the palette's next radio button, the others hidden.
TOGGLE = "label.md-header__button[for^='__palette_']:visible"
# What scrolls sideways when it is wider than the screen (docs/javascripts/accessibility.js).
SIDEWAYS = "div.arithmatex, pre > code, .md-typeset__scrollwrap, .highlight-ipynb"


@pytest.fixture(scope="session")
def base_url(site, tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / SUBPATH).symlink_to(site, target_is_directory=True)
    with local_site.serve(root) as url:
        yield f"{url}{SUBPATH}/"


@pytest.fixture(scope="session")
def browser():
    if not local_site.CHROMIUM.exists():
        message = f"{local_site.CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = local_site.launch_chromium(playwright)
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


@pytest.fixture
def screenshots(request, open_page):
    """Given ``--screenshots DIR``, saves a page whole, light and dark, on a desktop screen."""
    folder = request.config.getoption("screenshots")

    def save(page: str) -> None:
        if not folder:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for scheme in ("light", "dark"):
            tab = open_page(url_of(page), color_scheme=scheme)
            wait_for_fonts(tab)
            wait_for_the_theme(tab)
            name = url_of(page).strip("/").replace("/", "-") or "index"
            tab.screenshot(path=folder / f"{name}-{scheme}.png", full_page=True)

    return save


def wait_for_fonts(tab) -> None:
    """Until every font the page uses, the math font included, has loaded."""
    tab.evaluate("document.fonts.ready.then(() => true)")


def serious_accessibility_violations(tab) -> list[str]:
    tab.add_script_tag(path=str(AXE))
    violations = tab.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


# Boxes on show (not in a closed <details>, not skipped off screen) that scroll sideways and have
# no tab stop.
UNREACHABLE = """selector => [...document.querySelectorAll(selector)]
    .filter(box => box.checkVisibility({contentVisibilityAuto: true}))
    .filter(box => box.scrollWidth > box.clientWidth && box.getAttribute('tabindex') !== '0')
    .map(box => box.outerHTML.slice(0, 100))"""


def wait_until_reachable(tab) -> None:
    """Until every box on show that scrolls sideways has its tab stop; fails naming those that
    have none."""
    try:
        tab.wait_for_function(f"s => ({UNREACHABLE})(s).length === 0", arg=SIDEWAYS)
    except PlaywrightTimeoutError:
        pytest.fail(f"no tab stop on what scrolls sideways: {tab.evaluate(UNREACHABLE, SIDEWAYS)}")


def wait_for_the_theme(tab) -> None:
    """Until the theme has set the page up (its palette applied, so that one toggle shows) and
    every box on show that scrolls sideways has its tab stop."""
    tab.locator(TOGGLE).wait_for()
    wait_until_reachable(tab)


def read_through(tab) -> None:
    """Open every collapsed block and scroll to the end a screen at a time, as a reader does,
    waiting at each screen for what came into view to be set up: the browser lays tables out
    only near the screen (extra.css), and their tab stops follow."""
    tab.evaluate("document.querySelectorAll('article details').forEach(d => { d.open = true })")
    y = 0
    while y < tab.evaluate("document.documentElement.scrollHeight"):
        tab.evaluate("y => window.scrollTo({top: y, behavior: 'instant'})", y)
        wait_until_reachable(tab)
        y += tab.evaluate("window.innerHeight")


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_reads_correctly(open_page, base_url, page, screenshots):
    """On a desktop screen, in light mode; test_page_is_accessible_on_a_phone reads it dark."""
    tab = open_page(url_of(page), color_scheme="light")
    wait_for_fonts(tab)
    math = tab.evaluate(r"""() => ({
        blocks: document.querySelectorAll('.arithmatex').length,
        typeset: [...document.querySelectorAll('.arithmatex')].filter(
            element => element.querySelector('math')).length,
        errors: document.querySelectorAll('.katex-error, .temml-error, merror').length,
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
    assert math["errors"] == 0, "no typesetting error on the page"
    assert not math["raw"], "no raw TeX on the page"
    assert math["mathFont"] or not math["blocks"], "the math font loads from the site"
    assert math["mathFamily"], "every formula is set in the math font"

    images = tab.evaluate("""Array.from(document.querySelectorAll('article img')).map(i => ({
        src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0,
        width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height}))""")
    assert all(i["loaded"] and i["width"] > 100 and i["height"] > 100 for i in images), images

    wait_for_the_theme(tab)
    outside = [url for url in tab.requests if not url.startswith(base_url.split(SUBPATH)[0])]
    assert outside == [], "no request leaves the site"
    assert tab.errors == [], "no console errors"
    expect(tab.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert serious_accessibility_violations(tab) == []
    screenshots(page)


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_is_accessible_on_a_phone(open_page, page):
    """In dark mode, which the theme takes from the system's setting (test_page_reads_correctly
    reads the page light). Wide formulas, code and tables scroll sideways on a phone; keyboard
    users must reach them."""
    phone = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
    tab = open_page(url_of(page), color_scheme="dark", **phone)
    wait_for_fonts(tab)  # the math font widens formulas
    wait_for_the_theme(tab)
    expect(tab.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 412, "nothing widens the page"
    read_through(tab)  # every block open and every table laid out: all of it is on show to axe
    assert serious_accessibility_violations(tab) == []


def test_dark_mode_follows_the_system_until_the_reader_chooses(open_page):
    tab = open_page("", color_scheme="light")
    body, toggle = tab.locator("body"), tab.locator(TOGGLE)
    expect(toggle).to_have_count(1)  # the theme has applied the palette
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    tab.emulate_media(color_scheme="dark")
    tab.reload()
    expect(toggle).to_have_count(1)
    expect(body, "the system's dark mode").to_have_attribute("data-md-color-scheme", "slate")
    assert toggle.get_attribute("title") == "Switch to light mode"
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    expect(toggle).to_have_attribute("title", "Switch to dark mode")
    tab.reload()
    expect(toggle).to_have_attribute("title", "Switch to dark mode")
    expect(body, "the choice is kept").to_have_attribute("data-md-color-scheme", "default")
    assert tab.errors == []


def test_search_finds_the_jacobians_page(open_page):
    tab = open_page("")
    expect(tab.locator("[data-md-component='search'][role='dialog']")).to_have_attribute(
        "aria-label", "Search"
    )
    tab.click("input.md-search__input")
    tab.keyboard.type("Jacobian", delay=20)  # the theme searches on key events
    tab.wait_for_selector(".md-search-result__item a")
    hrefs = tab.eval_on_selector_all(".md-search-result__item a", "links => links.map(a => a.href)")
    assert any("jacobians-and-vector-jacobian-products/" in href for href in hrefs), hrefs


def test_copy_button_copies_runnable_code_without_prompts_or_output(open_page):
    page = "docs/jacobians-and-vector-jacobian-products.md"
    tab = open_page(url_of(page), permissions=["clipboard-read", "clipboard-write"])
    code_blocks = tab.locator("div.language-python.highlight")
    expect(code_blocks.locator("button.md-code__button[data-md-type='copy']")).to_have_count(
        code_blocks.count()
    )  # one for each code block, the theme's
    assert tab.locator("div.language-text button.md-code__button").count() == 0, (
        "output blocks offer no copy button"
    )
    copied = []
    for index in range(3):  # the first code block, the snippet include, and the block after it
        tab.evaluate("navigator.clipboard.writeText('')")
        block = code_blocks.nth(index)
        block.hover()
        block.locator("button.md-code__button[data-md-type='copy']").click()
        tab.wait_for_function("navigator.clipboard.readText().then(text => text !== '')")
        copied.append(tab.evaluate("navigator.clipboard.readText()"))
    expected = [example.code for example in parsed(page).examples[:3]]
    assert [c.strip() for c in copied] == [e.strip() for e in expected]
    assert not any(">>>" in c or "Traceback" in c for c in copied)
    expect(tab.get_by_text("Copied to clipboard")).to_be_visible()  # the theme confirms the copy
