"""Reading features in a real browser (Chromium via Playwright): the first screen on a phone, Expand all,
reader filters that persist, the 404 page served at / for a site built for a sub-path, and the
newsletter header on one line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build

from .conftest import REPO, serve_directory

pytestmark = pytest.mark.e2e
DIGEST = "digests/2026-03-13/"


def test_phone_first_screen_shows_the_first_pick(browser, site_url: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ("", DIGEST):
        page.goto(site_url + path, wait_until="networkidle")
        box = page.locator(".entry--pick .entry__title").first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, (path, box)
    context.close()


def test_digest_lists_picks_first_then_a_compact_rest_with_previews(browser, site_url: str) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + DIGEST)
    entries = page.locator("li.entry")
    picks = page.locator(".digest__picks li.entry").count()
    assert picks and page.locator(".digest__rest li.entry").count() == entries.count() - picks
    assert page.locator(".digest__rest .entry__preview").count() > 0
    assert page.locator("nav.digest-nav-top").count() == 1 and page.locator("nav.digest-nav").count() == 1
    button = page.locator(".expand-all")
    assert button.is_visible()
    button.click()
    assert page.locator("details.entry__abstract:not([open])").count() == 0
    assert button.get_attribute("aria-pressed") == "true"
    button.click()
    assert page.locator("details.entry__abstract[open]").count() == 0
    context.close()


def test_reader_filters_include_exclude_and_persist(browser, site_url: str) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + DIGEST)
    total = page.locator("li.entry").count()
    page.locator(".reader-filter summary").click()
    page.fill("#filter-include", "language")
    page.fill("#filter-exclude", "social")
    page.locator(".reader-filter__form button[type=submit]").click()
    highlighted = page.locator("li.entry.is-match").count()
    hidden = page.locator("li.entry.is-hidden").count()
    assert 0 < highlighted < total and 0 < hidden < total
    assert page.locator("li.entry.is-hidden").first.is_hidden()
    # a leading minus in the include field excludes
    page.fill("#filter-include", "language, -norm")
    page.locator(".reader-filter__form button[type=submit]").click()
    assert page.input_value("#filter-exclude") == "social, norm"
    hidden_more = page.locator("li.entry.is-hidden").count()
    assert hidden_more > hidden
    # persisted: another page (a week) applies the same filters
    page.goto(site_url + "weeks/2026-W11/")
    assert page.locator("li.entry.is-hidden").count() == hidden_more
    assert page.input_value("#filter-include") == "language"
    page.locator(".reader-filter summary").click()
    page.locator(".reader-filter__form button[type=reset]").click()
    assert page.locator("li.entry.is-hidden, li.entry.is-match").count() == 0
    page.goto(site_url + "tags/attention/")
    assert page.locator("li.entry.is-hidden, li.entry.is-match").count() == 0
    context.close()


def test_without_javascript_every_paper_is_shown(browser, site_url: str) -> None:  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + DIGEST)
    assert not page.locator(".reader-tools").is_visible()
    assert page.locator("li.entry:visible").count() == page.locator("li.entry").count() == 84
    assert page.locator("details.entry__abstract").count() == 84
    context.close()


def test_404_is_styled_when_a_subpath_build_is_served_at_the_root(browser, tmp_path: Path) -> None:  # noqa: F811
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    build(tmp_path / "content", tmp_path / "out", base_url="https://example.github.io/digest/", search=False)
    default_bg = "rgba(0, 0, 0, 0)"
    with serve_directory(tmp_path / "out") as url:  # served at /, built for /digest/
        context = browser.new_context(color_scheme="light")
        page = context.new_page()
        page.goto(url + "404.html")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") not in (default_bg, "rgb(255, 255, 255)")
        context.close()
    root = tmp_path / "mounted"
    root.mkdir()
    (root / "digest").symlink_to(tmp_path / "out")
    with serve_directory(root) as url:  # served at /digest/, as published
        context = browser.new_context(color_scheme="light")
        page = context.new_page()
        page.goto(url + "digest/no/such/page/")  # the file server answers 404; load the 404 page itself
        page.goto(url + "digest/404.html")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") not in (default_bg, "rgb(255, 255, 255)")
        context.close()


def test_newsletter_header_does_not_wrap_at_1366(browser, tmp_path: Path) -> None:  # noqa: F811
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    build(tmp_path / "content", tmp_path / "out", theme="newsletter", search=False)
    with serve_directory(tmp_path / "out") as url:
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="networkidle")
        tops = page.evaluate("""() => [...document.querySelectorAll(
            '.site-title, .site-nav li, .theme-toggle')].filter(e => e.offsetParent).map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2))""")
        assert max(tops) - min(tops) <= 4, tops
        context.close()
