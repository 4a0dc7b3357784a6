"""XSS canary: script payloads in every field a curator or an importer controls,
then every built page opened in headless Chromium. No dialog may fire and no
payload may run."""
from __future__ import annotations

import functools
import shutil
from pathlib import Path

import pytest
import yaml

from generator.build import build

from .conftest import REPO, serve_directory

pytestmark = pytest.mark.e2e  # real browsers, validators and readers

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    "</title><script>window.__xss=3;alert(3)</script>",
    '"><svg onload="window.__xss=4;alert(4)">',
    "'><iframe src=javascript:alert(5)></iframe>",
    "</script><script>window.__xss=6</script>",
    "<a href=javascript:alert(7)>x</a>",
    "[click](javascript:alert(8))",
    "<style>body{background:url(javascript:alert(9))}</style>",
    "<details open ontoggle=alert(10)>",
]
ALL = " ".join(PAYLOADS)


def hostile_site(root: Path) -> Path:
    content = root / "content"
    (content / "papers" / "t-xs").mkdir(parents=True)
    (content / "digests").mkdir()
    (content / "pages").mkdir()
    dump = functools.partial(yaml.safe_dump, allow_unicode=True, sort_keys=False)
    (content / "site.yaml").write_text(dump({"title": "Site " + PAYLOADS[2], "description": ALL,
                                             "base_url": "https://xss.example.org/"}), encoding="utf-8")
    (content / "curators.yaml").write_text(dump([{"id": "eve", "name": "Eve " + PAYLOADS[0],
                                                  "url": 'https://eve.example.org/"onmouseover="alert(1)'}]),
                                           encoding="utf-8")
    record = {"id": "xss-paper", "title": "Title " + ALL, "authors": [PAYLOADS[1], PAYLOADS[3]],
              "organization": {"name": PAYLOADS[0], "fullname": PAYLOADS[1]}, "published": "2024-10-22",
              "upvotes": 3, "arxiv": PAYLOADS[5], "category": PAYLOADS[1][:40], "source": ALL,
              "links": {"pdf": 'https://x.example.org/a.pdf"><script>window.__xss=11</script>',
                        "code": "https://x.example.org/'onmouseover='alert(12)"},
              "abstract": "Abstract " + ALL}
    (content / "papers" / "t-xs" / "xss-paper.yaml").write_text(dump(record), encoding="utf-8")
    second = {"id": "plain", "title": "Plain", "abstract": "Plain."}
    (content / "papers" / "t-xs" / "plain.yaml").write_text(dump(second), encoding="utf-8")
    digest = {"date": "2024-10-25", "title": "Digest " + " ".join(PAYLOADS[:5]), "curator": "eve", "intro": "Intro " + ALL,
              "papers": [{"paper": "xss-paper", "pick": True, "note": "Note " + ALL, "tags": ["xss"]},
                         {"paper": "plain", "override": {"title": "Override " + ALL}, "note": ALL}]}
    (content / "digests" / "2024-10-25.yaml").write_text(dump(digest), encoding="utf-8")
    (content / "pages" / "about.md").write_text(
        "---\n" + dump({"title": "About " + PAYLOADS[2], "description": ALL}) + "---\n" + ALL + "\n",
        encoding="utf-8")
    shutil.copytree(REPO / "themes", root / "themes")
    return content


def test_no_payload_runs_in_a_real_browser(tmp_path: Path, browser) -> None:
    content = hostile_site(tmp_path)
    build(content, tmp_path / "output")
    pages = sorted(p.relative_to(tmp_path / "output").as_posix() for p in (tmp_path / "output").rglob("*.html"))
    assert len(pages) >= 9
    dialogs: list[str] = []
    fired: list[str] = []
    with serve_directory(tmp_path / "output") as base:
        context = browser.new_context()
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for rel in pages:
            page.goto(base + rel.removesuffix("index.html"), wait_until="load")
            # hover and open everything a payload could hang on
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            for link in page.locator("a").all()[:40]:
                try:
                    link.hover(timeout=500)
                except Exception:  # noqa: BLE001 (hidden links cannot be hovered)
                    pass
            if page.evaluate("window.__xss !== undefined"):
                fired.append(rel)
        context.close()
    assert dialogs == [] and fired == []
    paper = (tmp_path / "output" / "papers" / "xss-paper" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss=1" in paper  # shown as text, not dropped: the abstract is kept verbatim


def test_payloads_are_escaped_in_feeds_and_json(tmp_path: Path) -> None:
    import feedparser
    content = hostile_site(tmp_path)
    build(content, tmp_path / "output", search=False)
    for feed in ("feed.xml", "atom.xml", "papers/feed.xml", "tags/xss/feed.xml"):
        raw = (tmp_path / "output" / feed).read_bytes()
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, feed
        for entry in parsed.entries:
            for content_part in entry.get("content", []):
                assert dangerous_markup(content_part.value) == [], feed
    # feedparser sanitizes what it parses, so also check the raw CDATA
    raw = (tmp_path / "output" / "feed.xml").read_text(encoding="utf-8")
    for block in raw.split("<![CDATA[")[1:]:
        assert dangerous_markup(block.split("]]>")[0]) == []
    import json
    day = json.loads((tmp_path / "output" / "api" / "digests" / "2024-10-25.json").read_text(encoding="utf-8"))
    for paper in day["papers"]:
        assert dangerous_markup(paper["note_html"]) == []
    assert dangerous_markup(day["intro_html"]) == []


def dangerous_markup(html: str) -> list[str]:
    """Elements and attributes in `html` that could run script."""
    from html.parser import HTMLParser
    found: list[str] = []

    class Scan(HTMLParser):
        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            if tag in ("script", "iframe", "svg", "style", "object", "embed", "img", "details"):
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                    found.append(f"{tag}[{name}]")

    Scan().feed(html)
    return found
