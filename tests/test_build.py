"""digest build on the shipped content: every page, link, feed and JSON file."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser
import pytest

from generator.build import build
from generator.diagnostics import DigestError

from .conftest import REPO, minimal_site, run_digest

BASE = "https://example.github.io/digest/"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped example site, built once for this module."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    result = build(root / "content", root / "output")
    assert result.pages > 200 and result.papers == 222 and result.digests == 4
    return root / "output"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.refs.append((tag, name, value))
            if name == "id":
                self.ids.add(value)


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _target_file(root: Path, url_path: str) -> Path:
    target = root / url_path.lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def test_every_internal_link_and_asset_resolves(shipped: Path) -> None:
    pages = sorted(shipped.rglob("*.html"))
    assert len(pages) > 200
    parsed = {p: _parse(p) for p in pages}
    base_path = urlsplit(BASE).path
    broken: list[str] = []
    for page, links in parsed.items():
        rel = page.relative_to(shipped).as_posix()
        if rel == "404.html":
            page_url = BASE + "some/missing/page/"  # 404 is served at any depth
        else:
            page_url = BASE + (rel.removesuffix("index.html"))
        for tag, attr, value in links.refs:
            if value.startswith("#"):
                if value[1:] not in links.ids:
                    broken.append(f"{rel}: {value}")
                continue
            absolute = urljoin(page_url, value)
            if rel == "404.html" and tag == "link" and value.startswith("/static/") \
                    and (shipped / value.lstrip("/")).is_file():
                continue  # the stylesheet's fallback for a sub-path build served at / (site/pages.py)
            if not absolute.startswith(BASE):
                assert tag == "a", f"{rel}: {tag} {attr}={value} loads from another host"
                continue
            url, fragment = urldefrag(absolute)
            target = _target_file(shipped, urlsplit(url).path[len(base_path) - 1:])
            if not target.is_file():
                broken.append(f"{rel}: {value}")
            elif fragment and target.suffix == ".html" and fragment not in parsed.get(target, _Links()).ids:
                broken.append(f"{rel}: {value} (no #{fragment})")
    assert broken == []


def test_expected_pages_exist(shipped: Path) -> None:
    for rel in ["index.html", "digests/2026-05-20/index.html", "archive/index.html", "tags/index.html",
                "tags/attention/index.html", "about/index.html", "search/index.html", "404.html", "sitemap.xml",
                "robots.txt", "feed.xml", "atom.xml", "papers/feed.xml", "tags/attention/feed.xml",
                "api/digests.json", "api/digests/2026-05-20.json", "search/index/meta.json",
                "search/index/terms/ch.json", "search/index/docs/0.json",
                "papers/geometric-phase-transition-enables-extreme-hippocampal-memory-capacity/index.html"]:
        assert (shipped / rel).is_file(), rel


def test_abstracts_are_typeset_and_escaped(shipped: Path) -> None:
    """Pages typeset the LaTeX of abstracts (site/latex.py); the JSON API keeps the record's text."""
    page = (shipped / "digests/2026-07-01/index.html").read_text(encoding="utf-8")
    assert "integrates H&amp;E slides" in page and "H\\&amp;E" not in page  # typeset, and escaped
    assert "from 82.5% to 83.5%" in page
    assert "or a domain-incremental task" in page  # as the record holds it (the first page imported had no artefact)
    older = (shipped / "digests/2026-05-20/index.html").read_text(encoding="utf-8")
    assert "(p &lt; 0.001)" in older
    assert "<em>viz</em>" in older and "{\\it viz}" not in older


def test_grammar_and_home(shipped: Path) -> None:
    home = (shipped / "index.html").read_text(encoding="utf-8")
    assert "1 authors" not in home and ">1 author<" in home
    assert "What attention really needs" in home  # the latest digest in full
    assert "Earlier digests" in home


def test_paper_page_metadata(shipped: Path) -> None:
    page = (shipped / "papers/geometric-phase-transition-enables-extreme-hippocampal-memory-capacity/index.html"
            ).read_text(encoding="utf-8")
    assert '<meta name="citation_title" content="Geometric Phase Transition Enables Extreme Hippocampal Memory ' \
           'Capacity">' in page
    assert '<meta name="citation_publication_date" content="2026/05/15">' in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert ld["@type"] == "ScholarlyArticle" and ld["datePublished"] == "2026-05-15"
    assert "@misc{" in page and "Curator’s pick" not in page.split("<main")[0]


def test_feeds_parse_cleanly(shipped: Path) -> None:
    for rel in ["feed.xml", "atom.xml", "papers/feed.xml", *[p.relative_to(shipped).as_posix()
                                                          for p in (shipped / "tags").rglob("feed.xml")]]:
        parsed = feedparser.parse((shipped / rel).read_bytes())
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)) and ids, rel
        assert all(e.link.startswith(BASE) for e in parsed.entries)
    digests = feedparser.parse((shipped / "feed.xml").read_bytes())
    assert [e.title for e in digests.entries][0] == "What attention really needs, and what AI help costs us"
    assert len(digests.entries) == 4
    assert digests.entries[0].published == "Wed, 01 Jul 2026 12:00:00 +0200"
    papers = feedparser.parse((shipped / "papers/feed.xml").read_bytes())
    assert len(papers.entries) == 100  # the limit from site.yaml
    assert not any(e.title.startswith("Pick: ") for e in papers.entries)  # titles do not follow pick state
    assert all(e.id == e.link and "/papers/" in e.id for e in papers.entries)  # one item per paper, its page
    assert len({e.published for e in papers.entries[:50]}) == 1  # one digest, one instant: no seconds by rank


def test_json_api(shipped: Path) -> None:
    index = json.loads((shipped / "api/digests.json").read_text(encoding="utf-8"))
    assert [d["date"] for d in index] == ["2026-07-01", "2026-05-20", "2026-04-21", "2026-03-13"]
    assert set(index[0]) == {"date", "title", "url", "paper_count"} and index[0]["paper_count"] == 50
    day = json.loads((shipped / "api/digests/2026-05-20.json").read_text(encoding="utf-8"))
    first = day["papers"][0]
    assert {"id", "title", "abstract", "authors", "author_count", "organization", "published", "upvotes", "url",
            "links", "tags", "pick", "note_html"} <= set(first)
    assert first["pick"] is True and first["note_html"].startswith("<p>")
    assert first["author_count"] == 1 and first["upvotes"] == 1 and first["published"] == "2026-05-15"
    paper = json.loads((shipped / f"api/papers/{first['id']}.json").read_text(encoding="utf-8"))
    assert paper["digests"] == ["2026-05-20"]


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_whatever_the_environment(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    first = run_digest("build", "--output", "one", cwd=tmp_path, env={"TZ": "Pacific/Kiritimati", "LC_ALL": "C"})
    assert first.returncode == 0, first.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    second = run_digest("build", "--content", "../content", "--output", "../two", cwd=elsewhere,
                        env={"TZ": "America/Anchorage", "LANG": "de_DE.UTF-8", "PYTHONHASHSEED": "123"})
    assert second.returncode == 0, second.stderr
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    assert re.match(r"built \d+ pages \(222 papers, 4 digests\), \d+ feeds into one in \d+\.\d\d s", first.stdout)


def test_failed_build_leaves_output_intact(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    output = tmp_path / "output"
    build(content, output, search=False)
    before = tree_digest(output)
    (content / "digests" / "2024-10-25.yaml").write_text("date: 2024-10-25\ntitle: [\n", encoding="utf-8")
    result = run_digest("build", "--no-search", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "content/digests/2024-10-25.yaml:3:1: error: YAML syntax error" in result.stderr and "output was left as it was" in result.stderr
    assert tree_digest(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".output.digest-new", ".output.digest-old"))] == []


def test_output_that_would_destroy_sources_is_refused(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content")
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    with pytest.raises(DigestError) as info:
        build(content, tmp_path, search=False)
    assert "contains the content folder" in info.value.diagnostics[0].message
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "pyproject.toml").write_text("", encoding="utf-8")
    with pytest.raises(DigestError) as info:
        build(content, tmp_path / "site", search=False)
    assert "was not made by digest" in info.value.diagnostics[0].message
    with pytest.raises(DigestError):
        build(content, content / "out", search=False)
    assert (content / "site.yaml").is_file()


def test_xss_in_curator_text_never_reaches_pages(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content", **{"digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: "</title><script>alert(1)</script>"
        curator: ada
        intro: "<script>alert(2)</script> [x](javascript:alert(3)) <img src=x onerror=alert(4)>"
        papers:
          - paper: 2410.17243
            note: "<img src=x onerror=alert(5)> <a href='javascript:alert(6)'>y</a>"
            tags: [memory]
        """})
    build(content, tmp_path / "output", search=False)
    for page in (tmp_path / "output").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S)
        assert all("alert" not in s for s in scripts), page
        assert _active_attributes(html) == [], page  # inert text such as "[x](javascript:...)" may remain


def _active_attributes(html: str) -> list[tuple[str, str, str]]:
    """Event handlers, and links or sources with a scheme other than http(s), as a browser parses them."""
    from html.parser import HTMLParser

    found: list[tuple[str, str, str]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                address = re.sub(r"[\x00-\x20]+", "", value or "").lower()
                if name.startswith("on") or (name in ("href", "src", "action", "formaction")
                                             and re.match(r"[a-z][a-z0-9+.-]*:", address)
                                             and not address.startswith(("http:", "https:"))):
                    found.append((tag, name, value or ""))

    Parser().feed(html)
    return found


def test_site_overrides_one_block_and_themes_extend(tmp_path: Path) -> None:
    content = minimal_site(tmp_path / "content", **{
        "templates/base.html": '{% extends "default/base.html" %}{% block footer %}<p>Custom footer</p>{% endblock %}',
        "static/css/extra.css": "body { color: red; }",
    })
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    build(content, tmp_path / "out", search=False)
    page = (tmp_path / "out" / "digests" / "2024-10-25" / "index.html").read_text(encoding="utf-8")
    assert "<p>Custom footer</p>" in page and "Curated by" in page  # one block replaced, the rest kept
    assert list((tmp_path / "out" / "static" / "css").glob("extra.*.css"))
    build(content, tmp_path / "news", theme="newsletter", search=False)
    page = (tmp_path / "news" / "digests" / "2024-10-25" / "index.html").read_text(encoding="utf-8")
    assert "Custom footer" in page  # the site's override wins over the theme too
    (content / "templates" / "base.html").unlink()
    build(content, tmp_path / "news", theme="newsletter", search=False)
    page = (tmp_path / "news" / "digests" / "2024-10-25" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="../../static/css/newsletter\.[0-9a-f]{10}\.css"', page)
    assert re.search(r'href="../../static/css/site\.[0-9a-f]{10}\.css"', page)  # inherited from default
    assert "newsletter edition" in page


def test_unknown_theme_is_a_clear_error(tmp_path: Path) -> None:
    minimal_site(tmp_path / "content")
    shutil.copytree(REPO / "themes", tmp_path / "themes")
    result = run_digest("build", "--theme", "nope", cwd=tmp_path)
    assert result.returncode == 1 and "theme 'nope' not found" in result.stderr
    assert "available themes: default, newsletter" in result.stderr and "Traceback" not in result.stderr
