"""A real browser (Playwright driving Debian's Chromium) on the built site, served on 127.0.0.1.
Search behaviour in the browser is in tests/test_search.py."""
from __future__ import annotations

import pytest

from . import tools
from .conftest import REPO

pytestmark = pytest.mark.e2e  # real browsers, validators and readers

PAGES = {
    "home": "",
    "digest": "digests/2026-05-20/",
    "paper": "papers/geometric-phase-transition-enables-extreme-hippocampal-memory-capacity/",
    "tag": "tags/attention/",
    "archive": "archive/",
    "search": "search/",
    "week": "weeks/2026-W27/",
    "month": "months/2026-03/",
}


def _watch(page):
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    return problems


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_loads_cleanly_and_has_no_axe_violations(browser, site_url: str, name: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    problems = _watch(page)
    page.goto(site_url + PAGES[name], wait_until="networkidle")
    assert not [u for u in _requested_hosts(page) if not u.startswith(site_url)]
    page.add_script_tag(path=str(tools.axe_js()))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    context.close()
    assert problems == []
    assert violations == []


def _requested_hosts(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")


def test_dark_mode_toggle_works_and_persists(browser, site_url: str) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(site_url)
    toggle = page.locator(".theme-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg
    page.goto(site_url + PAGES["paper"])  # another page: the choice persists
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark_bg
    context.close()


def test_site_works_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + PAGES["digest"])
    assert not page.locator(".theme-toggle").is_visible()  # no dead button without JS
    summary = page.locator("details.entry__abstract summary").first
    summary.click()  # abstracts still expand
    assert page.locator("details.entry__abstract").first.get_attribute("open") is not None
    context.close()


def test_keyboard_reaches_content_first(browser, site_url: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + PAGES["digest"])
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    context.close()


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def test_pages_work_under_the_strict_csp_from_the_readme(browser, site_url: str) -> None:
    assert CSP.split(";")[0] in (REPO / "README.md").read_text(encoding="utf-8")
    context = browser.new_context()

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    context.route("**/*", with_csp)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in PAGES.values():
        page.goto(site_url + path, wait_until="networkidle")
    page.locator(".theme-toggle").click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    page.goto(site_url + "search/", wait_until="networkidle")
    page.fill("#search-q", "chickadees")
    page.locator("#search-results a").first.wait_for(timeout=10_000)
    context.close()
    assert violations == []


def test_search_results_link_correctly_under_a_base_path(browser, site_url: str) -> None:
    """GitHub Pages serves a fork's site under /REPO/: result links must keep that prefix."""
    context = browser.new_context()

    def strip_prefix(route):
        url = route.request.url
        inner = url.replace("/digest/", "/", 1)
        response = route.fetch(url=inner)
        route.fulfill(response=response)

    context.route("**/digest/**", strip_prefix)
    page = context.new_page()
    page.goto(site_url + "digest/search/")
    page.fill("#search-q", "chickadees")
    result = page.locator("#search-results a", has_text="Geometric Phase Transition")
    result.wait_for(timeout=10_000)
    href = result.get_attribute("href")
    assert href.startswith("/digest/papers/geometric-phase-transition"), href
    context.close()


LAYOUT_SHIFT = """() => new Promise(resolve => {
    const observer = new PerformanceObserver(list => {
        observer.disconnect();
        resolve(list.getEntries().filter(e => !e.hadRecentInput).reduce((sum, e) => sum + e.value, 0));
    });
    observer.observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(0), 2000);  // no shift at all: the observer is never called
})"""


def test_search_results_arrive_without_moving_what_is_in_view(browser, site_url: str) -> None:
    """Results are drawn after the page is shown. On a phone, nothing in view may jump when they
    come: Lighthouse once measured a layout shift of 0.28 there (the footer pushed down, menus
    widening as their options arrived). 0.1 is where Lighthouse starts to count it against a page."""
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.goto(site_url + "search/?q=attention", wait_until="networkidle")
    page.wait_for_selector("#search-results li")
    page.wait_for_selector("#search-tag option >> nth=1", state="attached")
    shift = page.evaluate(LAYOUT_SHIFT)
    context.close()
    assert shift < 0.1
