"""Search: the static index (fast unit tests) and the search page in a real browser (e2e)."""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import build
from generator.content.loader import load_site
from generator.site.catalog import build_catalog
from generator.site.search import ROOT, index_files, order, search, search_records
from generator.site.search_terms import Record, analyze, shard_key, stem, terms

from . import tools
from .conftest import REPO, minimal_site

GEOMETRIC = "Geometric Phase Transition Enables Extreme Hippocampal Memory Capacity"
CONV_FINRE = "Conv-FinRe: A Conversational and Longitudinal Benchmark"


@pytest.fixture(scope="module")
def example() -> tuple[list[Record], dict[str, bytes]]:
    site, _ = load_site(REPO / "content")
    records = search_records(build_catalog(site))
    return records, index_files(records, [analyze(r) for r in records])


def titles(files: dict[str, bytes], query: str, **options: str) -> list[str]:
    return [title for _, title in search(files, query, **options)]


# --- ranking on the example site ---

def test_title_words_rank_the_paper_first(example) -> None:
    _, files = example
    assert titles(files, "chickadees")[0] == GEOMETRIC
    assert "Attention" in titles(files, "attention")[0]
    assert all("Sycophancy" in t for t in titles(files, "sycophancy")[:2])


@pytest.mark.parametrize("word, expected", [
    ("functionally", "Circuit Component Reuse Across Tasks in Transformer Language Models"),
    ("probabilistically", "PAC Generalization via Invariant Representations"),
    ("incentivizing", "Automatic Curriculum Expert Iteration for Reliable LLM Reasoning"),
])
def test_a_rare_abstract_word_finds_its_paper_first(example, word: str, expected: str) -> None:
    _, files = example
    assert titles(files, word)[0] == expected


@pytest.mark.parametrize("query", ["TheFinAI", "The Fin AI", "thefinai"])
def test_organization_short_and_full_names_are_indexed(example, query: str) -> None:
    _, files = example
    assert titles(files, query)[0].startswith(CONV_FINRE)


@pytest.mark.parametrize("query", ["Okafor", "Tobias", "Mara", "digests", "Okafor chickadees"])
def test_page_chrome_and_curator_names_are_not_indexed(example, query: str) -> None:
    _, files = example
    assert titles(files, query) == []


def test_filters_and_date_sort(example) -> None:
    records, files = example
    tagged = {r.title for r in records if "memory" in r.tags}
    found = titles(files, "memory", tag="memory", limit=100)
    assert found and set(found) <= tagged
    by_date = titles(files, "language", sort="date", limit=1000)
    dates = {r.title: (r.date, r.id) for r in records}
    assert [dates[t] for t in by_date] == sorted((dates[t] for t in by_date), reverse=True)
    assert titles(files, "language", year="1999") == []
    assert titles(files, "chickadees", year=records[-1].date[:4]) == [GEOMETRIC]


# --- terms ---

def test_plurals_fold_and_nothing_more() -> None:
    assert [stem(w) for w in ["chickadees", "studies", "boxes", "classes", "models", "analysis", "corpus",
                              "gas", "generation", "universal"]] == [
        "chickadee", "study", "box", "class", "model", "analysis", "corpus", "gas", "generation", "universal"]
    assert terms("The Chickadees, of Zürich!") == ["chickadee", "zurich"]


def test_the_last_word_matches_as_a_prefix(example) -> None:
    _, files = example
    assert titles(files, "chick")[0] == GEOMETRIC
    assert titles(files, "chick", prefix_last=False) == []
    assert titles(files, "chickadee") == titles(files, "chickadees")


def test_shard_keys_are_safe_file_names() -> None:
    assert shard_key("attention") == "at"
    assert shard_key("zürich") == "u7a-fc"
    assert shard_key("x") == "x"


# --- determinism and incrementality ---

def test_index_bytes_do_not_depend_on_record_order(example) -> None:
    records, files = example
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    docs = order(shuffled)
    assert index_files(docs, [analyze(r) for r in docs]) == files


def test_one_edit_changes_only_the_files_it_touches(example) -> None:
    records, files = example
    n = len(records) // 2
    edited = records[:n] + [replace(records[n], notes=records[n].notes + ("Chickadees everywhere.",))] + records[n + 1:]
    after = index_files(edited, [analyze(r) for r in edited])
    changed = sorted(p for p in after if after[p] != files.get(p))
    assert "terms/ch.json" in changed and "terms/ev.json" in changed
    assert len(changed) <= 4  # ch, ev and possibly their new terms' shards; no docs or meta change
    assert set(titles(after, "chickadees")) == {GEOMETRIC, records[n].title}


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_incremental_build_writes_the_same_index_as_a_full_one(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    build(content, tmp_path / "inc", jobs=1)
    digest = content / "digests" / "2024-10-25.yaml"
    digest.write_text(digest.read_text(encoding="utf-8").replace("note: Read this.", "note: Read about chickadees."),
                      encoding="utf-8")
    before = _tree(tmp_path / "inc" / ROOT)
    build(content, tmp_path / "inc", jobs=1)
    build(content, tmp_path / "full", jobs=1, incremental=False)
    inc, full = _tree(tmp_path / "inc" / ROOT), _tree(tmp_path / "full" / ROOT)
    assert inc == full
    assert any(name.startswith("terms/ch") for name in inc if inc[name] != before.get(name))
    assert inc["docs/0.json"] == before["docs/0.json"]


def test_no_search_skips_the_index(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    build(content, tmp_path / "out", search=False, jobs=1)
    assert not (tmp_path / "out" / ROOT).exists()
    assert (tmp_path / "out" / "search" / "index.html").is_file()


# --- the search page in Chromium ---



@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == []


RESULTS = "#search-results > li > a"


def _search(page, site_url: str, query: str) -> list[str]:
    page.goto(site_url + "search/")
    page.fill("#search-q", query)
    page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=query)
    page.wait_for_function("() => document.getElementById('search-status').textContent !== ''")
    return page.locator(RESULTS).all_inner_texts()


@pytest.mark.e2e
@pytest.mark.parametrize("query, first", [
    ("chickadees", GEOMETRIC), ("chick", GEOMETRIC), ("TheFinAI", CONV_FINRE),
    ("functionally", "Circuit Component Reuse Across Tasks in Transformer Language Models")])
def test_the_expected_paper_comes_first(page, site_url: str, query: str, first: str) -> None:
    assert _search(page, site_url, query)[0].startswith(first)


@pytest.mark.e2e
def test_attention_ranks_a_title_match_first(page, site_url: str) -> None:
    results = _search(page, site_url, "attention")
    assert len(results) > 3 and "Attention" in results[0]


@pytest.mark.e2e
def test_a_curator_name_finds_nothing(page, site_url: str) -> None:
    assert _search(page, site_url, "Okafor") == []
    assert page.locator("#search-status").inner_text().startswith("No results")


@pytest.mark.e2e
def test_a_search_url_can_be_shared_and_back_restores_it(page, site_url: str) -> None:
    page.goto(site_url + "search/?q=chickadees")
    first = page.locator(RESULTS).first
    first.wait_for()
    assert first.inner_text() == GEOMETRIC
    assert page.input_value("#search-q") == "chickadees"
    first.click()
    page.wait_for_url("**/papers/geometric-phase-transition-enables-extreme-hippocampal-memory-capacity/")
    page.go_back()
    page.wait_for_url("**/search/?q=chickadees")
    page.locator(RESULTS).first.wait_for()
    assert page.locator(RESULTS).first.inner_text() == GEOMETRIC
    assert page.input_value("#search-q") == "chickadees"


@pytest.mark.e2e
def test_the_header_box_searches_from_any_page_with_the_keyboard(page, site_url: str) -> None:
    page.goto(site_url + "digests/2026-05-20/")
    page.get_by_label("Search papers").fill("chickadees")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=chickadees")
    page.locator(RESULTS).first.wait_for()
    assert page.locator(RESULTS).first.inner_text() == GEOMETRIC


@pytest.mark.e2e
def test_the_header_box_works_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "archive/")
    page.fill("#header-search-q", "chickadees")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=chickadees")
    context.close()


@pytest.mark.e2e
def test_filters_and_sort_update_results_and_url(page, site_url: str) -> None:
    _search(page, site_url, "memory")
    page.select_option("#search-tag", "memory")
    page.wait_for_function("() => new URLSearchParams(location.search).get('tag') === 'memory'")
    page.wait_for_function("() => document.getElementById('search-status').textContent.includes('tagged memory')")
    assert page.locator(RESULTS).first.inner_text() == GEOMETRIC
    page.select_option("#search-sort", "date")
    page.wait_for_function("() => new URLSearchParams(location.search).get('sort') === 'date'")
    page.reload()
    page.locator(RESULTS).first.wait_for()
    assert page.input_value("#search-tag") == "memory" and page.input_value("#search-sort") == "date"


@pytest.mark.e2e
def test_search_page_with_results_has_no_axe_violations(page, site_url: str) -> None:
    page.goto(site_url + "search/?q=attention", wait_until="networkidle")
    page.locator(RESULTS).first.wait_for()
    page.add_script_tag(path=str(tools.axe_js()))
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
        return r.violations.map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    assert violations == []
