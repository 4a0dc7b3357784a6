"""hf-api (file and URL on 127.0.0.1) and arxiv importers, end to end into a content folder."""
from __future__ import annotations

import http.server
import json
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from generator.diagnostics import DigestError
from generator.importers import arxiv, hf_api

from .conftest import DATA, minimal_site

FIXTURE = DATA / "hf" / "daily_papers_2024-10-25.json"


def test_hf_api_fixture_records() -> None:
    candidates, warnings = hf_api.parse(FIXTURE.read_text(encoding="utf-8"), str(FIXTURE))
    assert warnings == [] and len(candidates) == 29
    first = candidates[0]
    assert first.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert first.arxiv == "2410.17243"
    assert first.record.get("authors")[:2] == ["Zesen Cheng", "Hang Zhang"] and len(first.record.get("authors")) == 9
    assert first.record.get("upvotes") == 64
    assert first.record.get("published") == "2024-10-22"  # paper.publishedAt: the arXiv date
    assert first.digest_date.isoformat() == "2024-10-25"  # top-level publishedAt: the submission day
    assert "\n" not in first.abstract and first.abstract.startswith("Contrastive loss is a powerful approach")
    assert first.record.get("links")["pdf"] == "https://arxiv.org/pdf/2410.17243"
    assert first.record.get("links")["hf"] == "https://huggingface.co/papers/2410.17243"
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for item, candidate in zip(raw, candidates, strict=True):
        assert candidate.record.get("upvotes") == item["paper"]["upvotes"]
        assert candidate.arxiv == item["paper"]["id"]
        assert candidate.record.get("authors") == [a["name"] for a in item["paper"]["authors"]]
    assert len({c.arxiv for c in candidates}) == 29


def test_hf_api_optional_fields() -> None:
    item = json.loads(FIXTURE.read_text(encoding="utf-8"))[0]
    item["paper"]["githubRepo"] = "https://github.com/DAMO-NLP-SG/Inf-CLIP"
    item["paper"]["projectPage"] = "javascript:alert(1)"
    item["organization"] = {"name": "DAMO-NLP-SG", "fullname": "DAMO Academy"}
    (candidate,), warnings = hf_api.parse(json.dumps([item]), "one.json")
    assert candidate.record.get("links")["code"] == "https://github.com/DAMO-NLP-SG/Inf-CLIP"
    assert "project" not in candidate.record.get("links")
    assert [w.message for w in warnings] == ["item 0: projectPage 'javascript:alert(1)' is not an http(s) URL; dropped"]
    assert candidate.record.get("organization") == {"name": "DAMO-NLP-SG", "fullname": "DAMO Academy"}


@pytest.mark.parametrize("body,message", [
    ("<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML"),
    ('[{"paper": {"id": "2410.17243", "title": "x"', "invalid JSON"),
    ('{"error": "Rate limited"}', "returned an error"),
    ('"hello"', "expected a JSON list"),
])
def test_hf_api_broken_responses(body: str, message: str) -> None:
    with pytest.raises(DigestError) as info:
        hf_api.parse(body, "api.json")
    assert message in info.value.diagnostics[0].message


def test_arxiv_atom() -> None:
    candidates, warnings = arxiv.parse((DATA / "arxiv" / "query.atom").read_text(encoding="utf-8"), "q.atom")
    assert warnings == [] and len(candidates) == 2
    first, old = candidates
    assert first.arxiv == "2410.17243"  # version dropped
    assert first.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert first.abstract.endswith("(p < 0.01 & more).")
    assert first.record.get("authors") == ["Zesen Cheng", "Hang Zhang"]
    assert (first.record.get("published"), first.record.get("category")) == ("2024-10-22", "cs.CV")
    # unversioned, as hf-api writes it: alternating imports must not flip the link
    assert first.record.get("links")["pdf"] == "https://arxiv.org/pdf/2410.17243"
    assert (first.record.get("arxiv_version"), first.record.get("arxiv_version_date")) == (2, "2024-10-24")
    assert old.arxiv == "hep-th/9901001" and old.record.get("category") == "hep-th"


@contextmanager
def serve(routes: dict[str, tuple[int, str, bytes]]):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            status, ctype, body = routes.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_import_hf_api_from_a_local_url(tmp_path: Path, cli) -> None:
    content = minimal_site(tmp_path / "content")
    routes = {"/api/daily_papers": (200, "application/json", FIXTURE.read_bytes()),
              "/down": (200, "text/html", b"<html><body>Service unavailable</body></html>"),
              "/error": (503, "text/plain", b"busy"),
              "/empty": (200, "application/json", b"[]")}
    with serve(routes) as base:
        before = sorted(p.relative_to(content) for p in content.rglob("*"))
        for path, message in [("/down", "expected JSON"), ("/error", "HTTP 503")]:
            result = cli("import", "hf-api", base + path, "--content", str(content))
            assert result.exit_code == 1 and message in result.output
        assert sorted(p.relative_to(content) for p in content.rglob("*")) == before
        result = cli("import", "hf-api", base + "/empty", "--content", str(content))
        assert result.exit_code == 0 and "imported 0 papers" in result.output
        result = cli("import", "hf-api", base + "/api/daily_papers", "--content", str(content))
    assert result.exit_code == 0, result.output
    assert "28 new, 1 updated" in result.output  # 2410.17243 already exists in the minimal site
    assert "upvotes: filled" in result.output
    record = yaml.safe_load((content / "papers" / "2410" / "2410.17243.yaml").read_text(encoding="utf-8"))
    assert record["upvotes"] == 64
    # the record's title was a cut-off copy of the source's, so it is completed; the abstract differs and is kept
    assert record["title"] == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"
    assert record["abstract"] == "An abstract."
    assert "abstract differs in hf-api (kept the record's)" in result.output
    digest = (content / "digests" / "2024-10-25.yaml").read_text(encoding="utf-8")
    assert digest.count("- paper:") == 30  # 2 curated + 28 appended (2410.17243 was already listed)
    assert "note: Read this." in digest and "pick: true" in digest
    result = cli("check", "--content", str(content))
    assert result.exit_code == 0, result.output


def test_import_arxiv_into_a_new_digest(tmp_path: Path, cli) -> None:
    content = minimal_site(tmp_path / "content")
    result = cli("import", "arxiv", str(DATA / "arxiv" / "query.atom"), "--content", str(content),
                 "--date", "2024-10-26", "--curator", "alan")
    assert result.exit_code == 0, result.output
    digest = yaml.safe_load((content / "digests" / "2024-10-26.yaml").read_text(encoding="utf-8"))
    assert digest["curator"] == "alan"
    assert [e["paper"] for e in digest["papers"]] == ["2410.17243", "hep-th-9901001"]
    old = yaml.safe_load((content / "papers" / "t-he" / "hep-th-9901001.yaml").read_text(encoding="utf-8"))
    assert old["arxiv"] == "hep-th/9901001"
    assert cli("check", "--content", str(content)).exit_code == 0
