"""Reading features on built pages: typeset abstracts, scannable digests, week and month
views, related papers, the 404 page under a base path."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build

from .conftest import minimal_site, paper_yaml


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reading")
    minimal_site(root / "content", **{
        "papers/2410/2410.17243.yaml": paper_yaml(
            "2410.17243", "Breaking the Memory Barrier", upvotes="12").replace(
            "abstract: An abstract.", "abstract: 'We reach 81.8\\% accuracy -- with $O(n^2)$ memory. More text.'"),
    })
    build(root / "content", root / "output", search=False)
    return root / "output"


def test_abstract_is_typeset_on_pages(small_site: Path) -> None:
    html = (small_site / "papers/2410.17243/index.html").read_text(encoding="utf-8")
    assert "81.8%" in html and "81.8\\%" not in html.split("<main", 1)[1].split("citation_abstract")[0]
    assert "<math" in html and "accuracy – with" in html
    digest = (small_site / "digests/2024-10-25/index.html").read_text(encoding="utf-8")
    assert "81.8%" in digest and "81.8\\%" not in digest


def test_records_and_api_keep_the_raw_abstract(small_site: Path) -> None:
    api = (small_site / "api/papers/2410.17243.json").read_text(encoding="utf-8")
    assert "81.8\\\\%" in api


def test_first_sentence_skips_abbreviations_math_and_initials() -> None:
    from generator.site.filters import first_sentence
    assert first_sentence("We study cats, e.g. tabbies. Then dogs.") == "We study cats, e.g. tabbies."
    assert first_sentence("Costs $x. Y$ grow. More.") == "Costs $x. Y$ grow."
    assert first_sentence("A. Smith et al. found it. Yes.") == "A. Smith et al. found it."
    assert first_sentence("no end") == "no end"
    assert first_sentence("word " * 200).endswith("…")


def test_title_dashes() -> None:
    from generator.site.filters import dashes
    assert dashes("Experts -- Behavior --- at --jobs") == "Experts – Behavior — at --jobs"


def test_digest_page_puts_picks_first_and_links_week_and_month(small_site: Path) -> None:
    html = (small_site / "digests/2024-10-25/index.html").read_text(encoding="utf-8")
    picks, rest = html.index('id="picks-heading"'), html.index('id="rest-heading"')
    assert picks < html.index("p-2410.17243") < rest < html.index("p-2410.18000")
    assert html.count('class="entry__preview"') == 1  # the pick shows its note instead
    assert 'href="../../weeks/2024-W43/"' in html and 'href="../../months/2024-10/"' in html
    assert html.count("<nav") == 2  # site, top of the digest (no older or newer digest: no bottom nav)


def test_week_and_month_pages(small_site: Path) -> None:
    for rel in ("weeks/2024-W43/index.html", "months/2024-10/index.html"):
        html = (small_site / rel).read_text(encoding="utf-8")
        assert "Breaking the Memory Barrier" in html and "Another Paper" in html
        assert html.index("Breaking the Memory Barrier") < html.index("Another Paper")  # the pick first
    archive = (small_site / "archive/index.html").read_text(encoding="utf-8")
    assert 'href="../weeks/2024-W43/"' in archive and 'href="../months/2024-10/"' in archive
    home = (small_site / "index.html").read_text(encoding="utf-8")
    assert "Most upvoted this week" in home and "12 upvotes" in home


def test_period_order_picks_then_upvotes(tmp_path: Path) -> None:
    from generator.content.loader import load_site
    from generator.site.catalog import build_catalog
    content = minimal_site(tmp_path / "content", **{
        "papers/2410/2410.18000.yaml": paper_yaml("2410.18000", "Another", upvotes="3"),
        "papers/2410/2410.19000.yaml": paper_yaml("2410.19000", "Third", upvotes="9"),
        "digests/2024-10-26.yaml": """\
            date: 2024-10-26
            title: Next day
            curator: ada
            papers:
              - paper: 2410.18000
              - paper: 2410.19000
              - paper: 2410.17243
            """})
    site, _ = load_site(content)
    catalog = build_catalog(site)
    week = catalog.weeks[0]
    assert [a.paper.id for a in week.appearances] == ["2410.17243", "2410.19000", "2410.18000"]
    assert week.appearances[0].entry.pick  # kept as a pick although a later digest lists it plainly
    assert catalog.month_periods[0].summary.paper_count == 3


def test_related_papers_are_deterministic_and_exclude_self() -> None:
    from generator.content.model import Paper
    from generator.site.related import related_papers
    words = "spiking neurons cortex memory retrieval hippocampus attention transformer tokens".split()
    papers = [Paper(id=f"p{i:02d}", title=f"{words[i % 9]} {words[(i * 2) % 9]} study",
                    abstract=" ".join(words[(i + k) % 9] for k in range(5)) + f" unique{i}")
              for i in range(30)]
    first, second = related_papers(papers), related_papers(list(papers))
    assert first == second
    assert all(len(v) <= 5 and all(r.id != pid for r in v) for pid, v in first.items())
    twins = [Paper(id="a", title="Spiking cortex memory", abstract="Hippocampus replay."),
             Paper(id="b", title="Spiking cortex memory", abstract="Hippocampus replay."),
             Paper(id="c", title="Spiking cortex memory", abstract="Hippocampus replay."),
             Paper(id="d", title="Graph kernels", abstract="Chemistry molecules."),
             Paper(id="e", title="Graph kernels", abstract="Chemistry molecules.")]
    result = related_papers(twins)
    assert [r.id for r in result["a"]] == ["b", "c"]  # equal scores: the smaller id first
    assert [r.id for r in result["d"]] == ["e"]


def test_digest_social_card_is_a_deterministic_png(small_site: Path, tmp_path: Path) -> None:
    card = (small_site / "digests/2024-10-25/card.png").read_bytes()
    assert card[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(card[16:20], "big") == 1200 and int.from_bytes(card[20:24], "big") == 630
    html = (small_site / "digests/2024-10-25/index.html").read_text(encoding="utf-8")
    assert '<meta property="og:image" content="https://digest.example.org/digests/2024-10-25/card.png">' in html
    content = minimal_site(tmp_path / "content", **{
        "papers/2410/2410.17243.yaml": paper_yaml(
            "2410.17243", "Breaking the Memory Barrier", upvotes="12").replace(
            "abstract: An abstract.", "abstract: 'We reach 81.8\\% accuracy -- with $O(n^2)$ memory. More text.'")})
    build(content, tmp_path / "again", search=False)
    assert (tmp_path / "again/digests/2024-10-25/card.png").read_bytes() == card
