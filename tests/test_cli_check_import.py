"""The check and import commands as a curator uses them (real processes where it matters)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml

from generator.importers.curator_files import append_to_digest

from .conftest import DATA, minimal_site, run_digest


def test_check_ok_and_formats(tmp_path: Path) -> None:
    minimal_site(tmp_path / "content")
    result = run_digest("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok: 1 digests, 2 papers" in result.stderr


def test_check_reports_every_mistake_in_each_format(tmp_path: Path) -> None:
    minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: A day
        curator: ada
        papers:
          - paper: 2410.17234
            tgas: [memory]
          - paper: 2410.18000
            pick: maybe
        """})
    text = run_digest("check", cwd=tmp_path)
    assert text.returncode == 1
    assert "Traceback" not in text.stderr
    lines = text.stderr.strip().splitlines()
    assert lines == [
        "content/digests/2024-10-25.yaml:5:12: error: unknown paper id '2410.17234' (hint: did you mean '2410.17243'?)",
        "content/digests/2024-10-25.yaml:6:5: error: unknown key 'tgas' in paper entry (hint: did you mean 'tags'?)",
        "content/digests/2024-10-25.yaml:8:11: error: 'pick' must be true or false, got text",
        "3 errors found; nothing was written.",
    ]
    github = run_digest("check", "--format", "github", cwd=tmp_path)
    assert github.returncode == 1
    assert github.stdout.splitlines()[1] == (
        "::error file=content/digests/2024-10-25.yaml,line=6,col=5,title=digest check::"
        "unknown key 'tgas' in paper entry (hint: did you mean 'tags'?)")
    as_json = run_digest("check", "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 1
    found = json.loads(as_json.stdout)
    assert [(d["line"], d["col"], d["severity"]) for d in found] == [(5, 12, "error"), (6, 5, "error"), (8, 11, "error")]


def test_unknown_paper_after_fixing_the_key(tmp_path: Path) -> None:
    minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: A day
        curator: ada
        papers:
          - paper: 2410.17234
        """})
    result = run_digest("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("content/digests/2024-10-25.yaml:5:12: error: unknown paper id "
                                             "'2410.17234' (hint: did you mean '2410.17243'?)")


def test_import_is_idempotent_and_keeps_curator_words(tmp_path: Path) -> None:
    content = tmp_path / "content"
    minimal_site(content, **{"digests/2024-10-25.yaml": None})
    seed = str(DATA / "seeds" / "001_448a272cd68fd523.txt")
    first = run_digest("import", "hf-page", seed, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "imported 50 papers: 50 new" in first.stdout
    digest_path = content / "digests" / "2026-07-01.yaml"
    text = digest_path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/digest.schema.json\n")
    # a curator edits the digest: reorders, picks, notes, tags, a comment, an override
    data = yaml.safe_load(text)
    ids = [e["paper"] for e in data["papers"]]
    curated = (f"# curated by hand\ndate: 2026-07-01\ntitle: My title\ncurator: alan\nintro: |\n  Hello *there*.\n"
               f"papers:\n  - paper: {ids[3]}\n    pick: true\n    note: |\n      Best of the day.\n\n"
               f"    tags: [attention]\n  - paper: {ids[0]}  # keep\n    override:\n      title: Fixed title\n")
    digest_path.write_text(curated, encoding="utf-8")
    second = run_digest("import", "hf-page", seed, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 updated, 50 unchanged" in second.stdout
    # the curator removed 48 papers: they stay removed, and the import says so
    assert digest_path.read_text(encoding="utf-8") == curated
    assert "0 files written" in second.stdout
    assert "kept out of content/digests/2026-07-01.yaml: 48 papers its curator removed" in second.stdout
    # deleting a line of the offered list offers that paper again; it is appended after the curator's entries
    offered = content / "digests" / ".offered" / "2026-07-01.txt"
    lines = offered.read_text(encoding="utf-8").splitlines()
    assert lines[3:] == ids
    offered.write_text("\n".join(line for line in lines if line != ids[7]) + "\n", encoding="utf-8")
    second = run_digest("import", "hf-page", seed, cwd=tmp_path)
    after = digest_path.read_text(encoding="utf-8")
    assert after.startswith(curated)  # nothing the curator wrote changed; the rest was appended
    listed = [e["paper"] for e in yaml.safe_load(after)["papers"]]
    assert listed == [ids[3], ids[0], ids[7]]
    third = run_digest("import", "hf-page", seed, cwd=tmp_path)
    assert "1 files written" not in third.stdout and "0 files written" in third.stdout
    assert digest_path.read_text(encoding="utf-8") == after
    assert run_digest("check", cwd=tmp_path).returncode == 0


def test_import_reports_changed_machine_fields(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    page = tmp_path / "page.txt"
    page.write_text("Daily Papers\n\nOct 25, 2024\n\nAnother Paper\n\nAn abstract.\n\n  • 2 authors\n·\n"
                    "Oct 20, 2024 3\n", encoding="utf-8")
    assert run_digest("import", "hf-page", str(page), cwd=tmp_path).returncode == 0
    page.write_text(page.read_text(encoding="utf-8").replace("2024 3", "2024 9"), encoding="utf-8")
    result = run_digest("import", "hf-page", str(page), cwd=tmp_path)
    assert "updated 2410.18000: upvotes: 3 -> 9" in result.stdout
    record = yaml.safe_load((content / "papers" / "2410" / "2410.18000.yaml").read_text(encoding="utf-8"))
    assert (record["upvotes"], record["author_count"], record["published"]) == (9, 2, "2024-10-20")


def test_failed_import_writes_nothing(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    good = DATA / "seeds" / "000_f9d6158a463791a8.txt"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not text")
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    result = run_digest("import", "hf-page", str(good), str(bad), cwd=tmp_path)
    assert result.returncode == 1 and "not valid UTF-8" in result.stderr and "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


def test_append_handles_empty_and_flow_lists() -> None:
    for text in ["date: 2024-10-25\npapers:\n", "date: 2024-10-25\npapers: []\n# end\n", "date: 2024-10-25\n",
                 "date: 2024-10-25\npapers: ~\n"]:
        new_text, added = append_to_digest(text, ["a-b", "2410.1"], "d.yaml")
        assert added == ["a-b", "2410.1"]
        assert yaml.safe_load(new_text)["papers"] == [{"paper": "a-b"}, {"paper": "2410.1"}]


def test_shipped_content_checks_clean(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).parent.parent / "content", tmp_path / "content")
    result = run_digest("check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
