"""`digest resolve` end to end against a replaying arXiv API on 127.0.0.1 (real fixtures)."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from .conftest import REPO, minimal_site, paper_yaml
from .test_resolve import EARLY, GEOMETRIC, LANGUAGE, Replay, Step

RECORDS = {"t-ge": "geometric-phase-transition-enables-extreme-hippocampal-memory-capacity",
           "t-la": "language-game-talking-to-non-human-systems",
           "t-ea": "early-warning-signals-the-charted-and-uncharted-territories"}
ROUTES = {GEOMETRIC: [Step("ti-one-match.atom")], LANGUAGE: [Step("ti-no-match.atom")],
          EARLY: [Step("ti-two-candidates.atom")]}


def content_with_real_records(tmp_path: Path) -> Path:
    content = minimal_site(tmp_path / "content", **{  # its two records have arXiv ids: not looked up
        f"papers/2410/{pid}.yaml": paper_yaml(pid, title, arxiv=f"'{pid}'")
        for pid, title in (("2410.17243", "Breaking the Memory Barrier"), ("2410.18000", "Another Paper"))})
    for shard, paper_id in RECORDS.items():
        (content / "papers" / shard).mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "content" / "papers" / shard / f"{paper_id}.yaml", content / "papers" / shard)
    return content


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_resolve_fills_one_reports_no_match_and_two_candidates(tmp_path: Path, cli) -> None:
    content = content_with_real_records(tmp_path)
    cache = tmp_path / "cache"
    geometric = content / "papers" / "t-ge" / f"{RECORDS['t-ge']}.yaml"
    before = yaml.safe_load(geometric.read_text(encoding="utf-8"))
    with Replay(ROUTES) as replay:
        args = ("resolve", "--content", str(content), "--api", replay.url, "--interval", "0", "--cache", str(cache))
        untouched = snapshot(content)
        dry = cli(*args, "--dry-run", cwd=tmp_path)
        assert dry.exit_code == 0, dry.output
        assert snapshot(content) == untouched
        assert f"would write content/papers/t-ge/{RECORDS['t-ge']}.yaml" in dry.output
        assert "+arxiv: '2600.00001'" in dry.output  # the field diff of the record
        assert yaml.safe_load(geometric.read_text(encoding="utf-8")) == before
        result = cli(*args, cwd=tmp_path)
        again = cli(*args, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "resolve: 1/3 " in out and "resolve: 3/3 " in out  # progress (stderr, mixed in by CliRunner)
    assert f"matched {RECORDS['t-ge']}: arXiv 2600.00001" in out
    assert f"no match {RECORDS['t-la']}" in out
    assert f"ambiguous {RECORDS['t-ea']}: 2600.00011, 2600.00012 all have this title; not filled in" in out
    assert "resolved 1 of 3 records without an arXiv id: 1 unmatched, 1 ambiguous, 0 duplicates, 0 failed; " \
           "1 files written" in out
    after = yaml.safe_load(geometric.read_text(encoding="utf-8"))
    assert after["id"] == before["id"]  # the published id never changes
    assert after["arxiv"] == "2600.00001" and after["authors"] == ["A. N. Author"]
    assert "author_count" not in after and after["published"] == "2026-05-15" and after["category"] == "q-bio.NC"
    assert after["links"] == {"arxiv": "https://arxiv.org/abs/2600.00001", "hf": "https://huggingface.co/papers/2600.00001",
                              "pdf": "https://arxiv.org/pdf/2600.00001"}
    assert after["source"] == "arxiv resolve"
    for shard in ("t-la", "t-ea"):  # never guessed
        assert "arxiv" not in yaml.safe_load((content / "papers" / shard / f"{RECORDS[shard]}.yaml").read_text())
    # requests: 3 for the dry run, then the cache answers everything; a second run changes nothing
    assert len(replay.requests) == 3
    assert "resolved 0 of 2 records" in again.output and "0 files written" in again.output


def test_a_resolved_record_is_found_again_by_an_arxiv_id_import(tmp_path: Path, cli) -> None:
    """After resolve, an hf-page import of the same paper and an arXiv-keyed import keep one record."""
    content = content_with_real_records(tmp_path)
    with Replay(ROUTES) as replay:
        cli("resolve", "--content", str(content), "--api", replay.url, "--interval", "0", "--cache", str(tmp_path / "c"))
    seed = REPO / "tests" / "data" / "seeds" / "000_f9d6158a463791a8.txt"
    page = tmp_path / "page.txt"  # just the header and the first paper of the real page
    text = seed.read_text(encoding="utf-8")
    page.write_text(text[: text.index("Training Deep Normalization-Free")], encoding="utf-8")
    result = cli("import", "hf-page", str(page), "--content", str(content))
    assert result.exit_code == 0, result.output
    assert "0 new" in result.output
    assert len(list((content / "papers").rglob("*geometric*"))) == 1
    assert not list((content / "papers").rglob("2600.00001.yaml"))


def test_resolve_fails_cleanly_when_the_api_is_down(tmp_path: Path, cli) -> None:
    content = content_with_real_records(tmp_path)
    before = snapshot(content)
    with Replay({}) as replay:  # every query answers 404
        result = cli("resolve", "--content", str(content), "--api", replay.url, "--interval", "0",
                     "--cache", str(tmp_path / "c"))
    assert result.exit_code == 1 and "answered HTTP 404" in result.output
    assert snapshot(content) == before
