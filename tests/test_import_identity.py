"""The issue "Importers that respect curators and know which paper is which",
on the real seed pages (tests/data/seeds), the real HF API answer and arXiv Atom."""
from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.content import ids, yamlio
from generator.importers import hf_page
from generator.importers.curator_files import append_to_digest
from generator.importers.run import run_import

from .conftest import DATA, minimal_site

TODAY = date(2026, 11, 22)
SEEDS = DATA / "seeds"
EXPECTED = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))
HF_API = DATA / "hf" / "daily_papers_2024-10-25.json"
ATOM = DATA / "arxiv" / "query.atom"
DAY = date(2024, 10, 25)


def empty_site(tmp_path: Path) -> Path:
    content = minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": None,
                                                     "papers/2410/2410.17243.yaml": None,
                                                     "papers/2410/2410.18000.yaml": None})
    (content / "papers").mkdir(exist_ok=True)
    return content


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def listed(content: Path, day: str) -> list[str]:
    path = content / "digests" / f"{day}.yaml"
    return [e["paper"] for e in yamlio.parse(path.read_text(encoding="utf-8"), "d.yaml")["papers"]]


def records(content: Path) -> dict[str, dict]:
    return {p.stem: load(p) for p in (content / "papers").rglob("*.yaml")}


def page_from_api(items: list[dict]) -> str:
    """The 2024-10-25 HF API answer as the hf-page format shows it (title, abstract, meta block)."""
    parts = ["Daily Papers", "byAK and the research community", "Oct 25, 2024"]
    for item in items:
        paper = item["paper"]
        parts.append(" ".join(paper["title"].split()))
        parts.append("\n\n".join(" ".join(p.split()) for p in paper["summary"].strip().split("\n\n")))
        day = date.fromisoformat(paper["publishedAt"][:10])
        parts.append(f"  • {len(paper['authors'])} authors\n·\n{day.strftime('%b')} {day.day} {paper['upvotes']}")
    return "\n\n".join(parts) + "\n"


# 1. curator intent -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,source,day", [("hf-page", SEEDS / "001_448a272cd68fd523.txt", "2026-07-01"),
                                            ("hf-api", HF_API, "2024-10-25")])
def test_a_paper_removed_by_the_curator_stays_removed(tmp_path: Path, fmt: str, source: Path, day: str) -> None:
    content = empty_site(tmp_path)
    run_import(fmt, [str(source)], content, TODAY)
    path = content / "digests" / f"{day}.yaml"
    ids = listed(content, day)
    removed = ids[1]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    at = lines.index(f"  - paper: {removed}\n") if f"  - paper: {removed}\n" in lines else lines.index(
        f"  - paper: '{removed}'\n")
    curated = "".join(lines[:at] + lines[at + 1:])
    path.write_text(curated, encoding="utf-8")
    result, _ = run_import(fmt, [str(source)], content, TODAY)
    assert result.written == []
    assert path.read_text(encoding="utf-8") == curated
    assert list(result.removed_by_curator.values()) == [[removed]]
    offered = (content / "digests" / ".offered" / f"{day}.txt").read_text(encoding="utf-8")
    assert removed in offered.splitlines() and offered.startswith("# Papers 'digest import' has offered")


def test_a_digest_from_before_offered_lists_counts_its_papers_as_offered(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")  # digests/2024-10-25.yaml lists two papers, no .offered yet
    before = listed(content, "2024-10-25")
    run_import("hf-api", [str(HF_API)], content, TODAY)
    after = listed(content, "2024-10-25")
    assert after[:len(before)] == before and len(after) == 29 + len(before) - 1  # 2410.17243 was already listed
    offered = (content / "digests" / ".offered" / "2024-10-25.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in offered if not line.startswith("#")][:2] == before


def test_dry_run_shows_every_change_and_writes_nothing(tmp_path: Path, cli) -> None:
    content = minimal_site(tmp_path / "content")
    snapshot = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    result = cli("import", "hf-api", str(HF_API), "--content", "content", "--dry-run", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == snapshot
    out = result.output
    # the changed record, with its field diff
    assert "updated 2410.17243: title: 'Breaking the Memory Barrier' -> " in out
    assert "would write content/papers/2410/2410.17243.yaml" in out
    assert "-title: Breaking the Memory Barrier\n" in out and "+upvotes: 64\n" in out
    # entries appended, and every file written
    assert "extended content/digests/2024-10-25.yaml with 28 papers: 2410.16251" in out
    assert "+  - paper: '2410.16251'\n" in out
    assert "would write content/digests/.offered/2024-10-25.txt" in out
    assert out.count("would write ") == 31
    assert "31 files to write" in out


# 2. identity -----------------------------------------------------------------------------------------------

def test_a_corrected_title_updates_the_record_and_never_duplicates(tmp_path: Path) -> None:
    content = empty_site(tmp_path)
    seed = (SEEDS / "001_448a272cd68fd523.txt").read_text(encoding="utf-8")
    old_title = "PathMoE: Interpretable Multimodal Interaction Experts for Pediatric Brain Tumor Classification"
    run_import("hf-page", [str(SEEDS / "001_448a272cd68fd523.txt")], content, TODAY)
    before = records(content)
    [paper_id] = [k for k, r in before.items() if r["title"] == old_title]
    corrected = tmp_path / "001-corrected.txt"
    corrected.write_text(seed.replace(old_title, old_title.replace("Tumor", "Tumour")), encoding="utf-8")
    result, _ = run_import("hf-page", [str(corrected)], content, TODAY)
    after = records(content)
    assert set(after) == set(before)  # no new record
    assert after[paper_id]["title"] == old_title.replace("Tumor", "Tumour")
    assert result.changed == {paper_id: [f"title: {old_title!r} -> {old_title.replace('Tumor', 'Tumour')!r} "
                                         f"(corrected; id '{paper_id}' kept)"]}
    assert result.written == [f"{p}" for p in result.written] and len(result.written) == 1
    assert listed(content, "2026-07-01").count(paper_id) == 1


def test_a_change_of_case_or_punctuation_is_applied_and_reported(tmp_path: Path) -> None:
    content = empty_site(tmp_path)
    seed = (SEEDS / "001_448a272cd68fd523.txt").read_text(encoding="utf-8")
    title = "Deconstructing Attention: Investigating Design Principles for Effective Language Modeling"
    run_import("hf-page", [str(SEEDS / "001_448a272cd68fd523.txt")], content, TODAY)
    page = tmp_path / "p.txt"
    page.write_text(seed.replace(title, "Deconstructing attention - investigating design principles for effective "
                                        "language modeling"), encoding="utf-8")
    result, _ = run_import("hf-page", [str(page)], content, TODAY)
    [(paper_id, changes)] = result.changed.items()
    assert changes[0].startswith(f"title: {title!r} -> 'Deconstructing attention - investigating")
    assert "corrected" not in changes[0]  # same title key: same id anyway
    assert records(content)[paper_id]["title"].startswith("Deconstructing attention - ")


def test_a_different_paper_with_a_similar_title_is_not_merged(tmp_path: Path) -> None:
    content = empty_site(tmp_path)
    run_import("hf-page", [str(SEEDS / "001_448a272cd68fd523.txt")], content, TODAY)
    page = tmp_path / "p.txt"
    page.write_text("Jul 1, 2026\n\nPathMoE: Interpretable Multimodal Interaction Experts for Adult Brain Tumor "
                    "Classification\n\nA different abstract about a different study of adults.\n", encoding="utf-8")
    result, _ = run_import("hf-page", [str(page)], content, TODAY)
    assert len(result.added) == 1


# 4. what the HF API gives -----------------------------------------------------------------------------------

def test_hf_api_ai_summary_keywords_stars_and_comments(tmp_path: Path) -> None:
    # the real 2024-10-25 answer predates these fields: the first item gets them as the API sends them today
    items = json.loads(HF_API.read_text(encoding="utf-8"))
    item = items[0]
    item["paper"].update(ai_summary="A tile-based method lets contrastive loss\nscale to huge batches.",
                         ai_keywords=["contrastive loss", "batch size", "contrastive loss", "GPU memory"],
                         githubStars=1234)
    item["numComments"] = 3
    source = tmp_path / "api.json"
    source.write_text(json.dumps([item]), encoding="utf-8")
    content = minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: A day
        curator: ada
        papers:
          - paper: 2410.17243
            tags: [memory]
        """})
    run_import("hf-api", [str(source)], content, TODAY)
    record = load(content / "papers" / "2410" / "2410.17243.yaml")
    assert record["ai_summary"] == "A tile-based method lets contrastive loss scale to huge batches."
    assert record["ai_keywords"] == ["contrastive loss", "batch size", "GPU memory"]
    assert (record["github_stars"], record["comments"]) == (1234, 3)
    assert load(content / "digests" / "2024-10-25.yaml")["papers"][0]["tags"] == ["memory"]  # curator tags apart
    item["paper"]["githubStars"] = 1000  # an older answer: counters never go down
    source.write_text(json.dumps([item]), encoding="utf-8")
    again, _ = run_import("hf-api", [str(source)], content, TODAY)
    assert again.written == [] and load(content / "papers" / "2410" / "2410.17243.yaml")["github_stars"] == 1234


# 5. new arXiv versions --------------------------------------------------------------------------------------

def test_a_new_arxiv_version_is_recorded_under_the_same_id(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    run_import("arxiv", [str(ATOM)], content, TODAY, DAY)
    record = load(content / "papers" / "2410" / "2410.17243.yaml")
    assert (record["arxiv_version"], record["arxiv_version_date"]) == (2, "2024-10-24")
    v3 = tmp_path / "v3.atom"
    v3.write_text(ATOM.read_text(encoding="utf-8").replace("2410.17243v2", "2410.17243v3").replace(
        "<updated>2024-10-24T17:59:30Z</updated>", "<updated>2024-11-02T09:00:00Z</updated>"), encoding="utf-8")
    result, _ = run_import("arxiv", [str(v3)], content, TODAY, DAY)
    assert result.changed == {"2410.17243": ["arxiv_version: v2 -> v3 (updated on 2024-11-02)", "arxiv_version_date: 2024-10-24 -> 2024-11-02"]}
    record = load(content / "papers" / "2410" / "2410.17243.yaml")
    assert (record["id"], record["arxiv_version"], record["arxiv_version_date"]) == ("2410.17243", 3, "2024-11-02")
    assert record["links"]["pdf"] == "https://arxiv.org/pdf/2410.17243"
    older, _ = run_import("arxiv", [str(ATOM)], content, TODAY, DAY)  # a stale answer never goes back to v2
    assert older.written == []


# 6. bugs ----------------------------------------------------------------------------------------------------

def strip_last_meta(text: str) -> str:
    body = text.rstrip("\n")
    return body[: body.rindex("\n\n")] + "\n"


@pytest.mark.parametrize("name", ["000_f9d6158a463791a8.txt", "001_448a272cd68fd523.txt", "003_4c35cf6bf607152b.txt"])
def test_a_page_never_seen_before_with_a_last_paper_without_meta_block(tmp_path: Path, name: str) -> None:
    text = strip_last_meta((SEEDS / name).read_text(encoding="utf-8"))
    candidates, warnings = hf_page.parse(text, "unseen.txt", TODAY)
    assert warnings == []
    expected = [dict(p) for p in EXPECTED[name]["papers"]]
    for key in ("author_count", "organization", "published", "upvotes"):
        expected[-1].pop(key, None)
    got = [{k: v for k, v in (("title", c.title), ("abstract", c.abstract), ("author_count", c.record.get("author_count")),
                              ("organization", c.record.get("organization")), ("published", c.record.get("published")),
                              ("upvotes", c.record.get("upvotes"))) if v is not None} for c in candidates]
    assert got == expected  # every record, the last one included
    content = empty_site(tmp_path)
    page = tmp_path / "unseen.txt"
    page.write_text(text, encoding="utf-8")
    result, _ = run_import("hf-page", [str(page)], content, TODAY)
    assert len(result.added) == len(expected)
    saved = {r["title"]: r for r in records(content).values()}
    for paper in expected:
        record = saved[paper["title"]]
        assert record["abstract"] == paper["abstract"]
        assert {k: record.get(k) for k in paper if k not in ("title", "abstract")} == {
            k: v for k, v in paper.items() if k not in ("title", "abstract")}
    assert listed(content, EXPECTED[name]["page_date"])[-1] == records(content)[
        next(k for k, r in records(content).items() if r["title"] == expected[-1]["title"])]["id"]


def test_a_last_paper_cut_off_mid_abstract_is_skipped_with_a_warning() -> None:
    text = strip_last_meta((SEEDS / "001_448a272cd68fd523.txt").read_text(encoding="utf-8")).rstrip("\n")
    cut = text[: text.rindex(" ", 0, len(text) - 40)] + "\n"
    candidates, warnings = hf_page.parse(cut, "cut.txt", TODAY)
    assert len(candidates) == 49
    assert len(warnings) == 1 and "stops mid-abstract" in warnings[0].message


def test_entries_are_appended_after_the_last_entry_and_its_comments() -> None:
    text = ("date: 2024-10-25\npapers:\n  - paper: a\n    note: |\n      A note.\n\n    # about the note\n"
            "    tags: [x]  # tags\n    # trailing comment on a\n\n# end of file\n")
    new_text, added = append_to_digest(text, ["b"], "d.yaml")
    assert added == ["b"]
    assert new_text == text.replace("# trailing comment on a\n", "# trailing comment on a\n  - paper: b\n")
    text = "papers:\n  - paper: a\n    note: Hi  # inline\n  # directly after, at the dash\nother: 1\n"
    assert append_to_digest(text, ["b"], "d.yaml")[0] == text.replace("dash\n", "dash\n  - paper: b\n")


ORDERS = list(itertools.permutations(["hf-page", "hf-api", "arxiv"]))


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_alternating_importers_settle_and_then_write_nothing(tmp_path: Path, order: tuple[str, ...]) -> None:
    items = json.loads(HF_API.read_text(encoding="utf-8"))
    page = tmp_path / "page.txt"
    page.write_text(page_from_api(items), encoding="utf-8")
    sources = {"hf-page": page, "hf-api": HF_API, "arxiv": ATOM}
    content = empty_site(tmp_path)
    for fmt in order:
        run_import(fmt, [str(sources[fmt])], content, TODAY, DAY if fmt == "arxiv" else None)
    settled = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    for fmt in order + order:
        result, _ = run_import(fmt, [str(sources[fmt])], content, TODAY, DAY if fmt == "arxiv" else None)
        assert result.written == [], (fmt, result.changed)
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == settled
    papers = records(content)
    assert len(papers) == 30  # 29 papers of the day, one old-style arXiv paper; nobody duplicated
    [breaking] = [r for r in papers.values() if r.get("arxiv") == "2410.17243"]
    if order[0] == "hf-page":  # the page has no arXiv id: the record keeps the id it was published under
        assert breaking["id"] == ids.slugify(breaking["title"])
    else:
        assert breaking["id"] == "2410.17243"
    assert breaking["links"]["pdf"] == "https://arxiv.org/pdf/2410.17243" and breaking["arxiv_version"] == 2
    assert breaking["upvotes"] == 64 and breaking["source"].startswith("arxiv")
    assert len(listed(content, "2024-10-25")) == 30


def test_shipped_content_reimports_its_seed_pages_without_changes(tmp_path: Path) -> None:
    """The example site was imported from the seed pages (and hand-fixed: a '___domain' scraping artefact):
    importing them again only records what was offered, once; a hand fix from the same kind of source stays."""
    import shutil

    from .conftest import REPO
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    kept: dict[str, list[str]] = {}
    for name in sorted(EXPECTED):
        result, _ = run_import("hf-page", [str(SEEDS / name)], content, TODAY)
        assert all("/.offered/" in w for w in result.written) and len(result.written) == 1
        assert not result.changed and not result.added
        kept.update(result.kept)
    assert kept == {"catastrophic-interference-is-mitigated-in-naturalistic-power-law-learning":
                    ["abstract differs in hf-page (kept the record's)"]}
    after = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    assert {p for p in after if p not in before} == {content / "digests" / ".offered" / f"{EXPECTED[n]['page_date']}.txt"
                                                     for n in EXPECTED}
    assert all(after[p] == before[p] for p in before)
    for name in sorted(EXPECTED):
        assert run_import("hf-page", [str(SEEDS / name)], content, TODAY)[0].written == []


def test_a_paper_removed_before_offered_lists_existed_is_not_added_back(tmp_path: Path) -> None:
    content = empty_site(tmp_path)
    run_import("hf-api", [str(HF_API)], content, TODAY)
    path = content / "digests" / "2024-10-25.yaml"
    (content / "digests" / ".offered" / "2024-10-25.txt").unlink()  # as a digest from an older version
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    removed = lines.pop(-1)  # the curator removed the last paper
    path.write_text("".join(lines), encoding="utf-8")
    result, _ = run_import("hf-api", [str(HF_API)], content, TODAY)
    assert removed not in path.read_text(encoding="utf-8")
    assert len(result.written) == 1 and result.written[0].endswith("/.offered/2024-10-25.txt")


def test_a_digest_made_with_digest_new_takes_papers_whose_records_exist(tmp_path: Path, cli) -> None:
    content = minimal_site(tmp_path / "content")  # records 2410.17243 and 2410.18000 exist
    assert cli("new", "2024-10-27", "--content", str(content)).exit_code == 0
    source = tmp_path / "api.json"
    items = json.loads(HF_API.read_text(encoding="utf-8"))[:2]
    for item in items:
        item["publishedAt"] = "2024-10-27T00:00:00.000Z"
    source.write_text(json.dumps(items), encoding="utf-8")
    result, _ = run_import("hf-api", [str(source)], content, TODAY)
    assert listed(content, "2024-10-27") == [items[0]["paper"]["id"], items[1]["paper"]["id"]]
    assert "2410.17243" in listed(content, "2024-10-27") and not result.removed_by_curator
