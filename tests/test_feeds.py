"""Feeds and the JSON API of a built site: valid, complete, absolute, stable.

The fixture site has what breaks feeds: abstracts with `<`, `&` and `<b>`, a
title with `&` and `<`, Markdown notes and intros with relative links, a paper
that appears in two digests, an organization-only paper, and a base URL with
a path. The end-to-end test runs the W3C Feed Validator (../shared/tools/feedcheck)
on every feed of this site and of the example site (tools.feedcheck).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import feedparser
import pytest

from generator.build import build

from . import tools
from .conftest import REPO, minimal_site, paper_yaml

BASE = "https://digest.example.org/site/"
SITE_YAML = f"""\
title: Tricky & <Digest>
description: Feeds with everything that breaks them.
base_url: {BASE}
language: en
timezone: Europe/Berlin
"""
TRICKY_ABSTRACT = "We show that a < b & c holds when <b>bold</b> claims fail, e.g. for x<y. Then more."
FILES = {
    "site.yaml": SITE_YAML,
    "papers/2410/2410.17243.yaml": paper_yaml("2410.17243", "'Q&A for <Tricky> Models'", arxiv="'2410.17243'",
                                              published="'2024-10-22'", upvotes="64") +
    "authors: [José Álvarez, Ludwig van der Berg]\nlinks: {code: 'https://github.com/example/tricky'}\n",
    "papers/2410/2410.18000.yaml": paper_yaml("2410.18000", "Another Paper", upvotes="3") +
    "organization: {name: acme, fullname: ACME Research}\n",
    "papers/2410/2410.19000.yaml": paper_yaml("2410.19000", "A Third Paper"),
    "digests/2024-10-25.yaml": """\
        date: 2024-10-25
        title: A day of <papers> & notes
        curator: ada
        intro: |
          Hello. See [the about page](../../about/) and [the second paper](#p-2410.18000).
        papers:
          - paper: 2410.17243
            pick: true
            note: Read this, and [the earlier one](../2024-10-20/) & <b>that</b>.
            tags: [memory, scaling]
          - paper: 2410.18000
            tags: [memory]
        """,
    "digests/2024-10-26.yaml": """\
        date: 2024-10-26
        title: The next day
        curator: alan
        papers:
          - paper: 2410.19000
            pick: true
            tags: [memory]
          - paper: 2410.17243
            note: Back again, see [the paper page](../../papers/2410.17243/).
            tags: [memory]
        """,
    "pages/about.md": "---\ntitle: About\n---\nAbout the site.\n",
}


def tricky_content(root: Path, **changes: str) -> Path:
    minimal_site(root / "content", **{**FILES, **changes})
    (root / "content/papers/2410/2410.17243.yaml").write_text(
        (root / "content/papers/2410/2410.17243.yaml").read_text(encoding="utf-8").replace(
            "abstract: An abstract.", "abstract: " + json.dumps(TRICKY_ABSTRACT)), encoding="utf-8")
    if not (root / "themes").exists():
        shutil.copytree(REPO / "themes", root / "themes")
    return root / "content"


def build_tricky(root: Path, **changes: str) -> Path:
    build(tricky_content(root, **changes), root / "output", search=False)
    return root / "output"


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tricky(tmp_path_factory.mktemp("tricky"))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "themes", root / "themes")
    build(root / "content", root / "output", search=False)
    return root / "output"


def xml_feeds(site: Path) -> list[Path]:
    return sorted([site / "feed.xml", site / "atom.xml", *site.glob("papers/feed.xml"), *site.glob("tags/*/feed.xml")])


def json_feeds(site: Path) -> list[Path]:
    return sorted([site / "feed.json", *site.glob("papers/feed.json"), *site.glob("tags/*/feed.json")])


def feed_bytes(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in [*xml_feeds(site), *json_feeds(site), site / "feeds.opml"]}


def urls_in(text: str, json_feed: bool = False) -> list[str]:
    """Every href/src value and every URL-valued element or JSON field in a feed or API file."""
    found = re.findall(r"""(?:href|src|xmlUrl|htmlUrl)\s*=\s*(?:"|&quot;|&#34;)([^"&]*)""", text)
    found += re.findall(r"""(?:href|src)=\\"([^"\\]*)""", text)  # inside JSON strings
    found += re.findall(r"<(?:link|guid|id|docs)>([^<]*)</", text)
    if json_feed:  # a JSON Feed item id is a URL here; in the API, ids are paper and curator ids
        found += re.findall(r'"id": "([^"]*)"', text)
    found += re.findall(r'"(?:url|api_url|index_url|schema|home_page_url|feed_url|external_url|\$id)": "([^"]*)"',
                        text)
    return found


def assert_absolute(url: str, where: str) -> None:
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.netloc, f"{where}: relative URL {url!r}"


# -- every format, every URL ----------------------------------------------------

@pytest.mark.parametrize("site_name", ["tricky", "example"])
def test_xml_feeds_parse_without_bozo_and_ids_are_unique(site_name: str, request: pytest.FixtureRequest) -> None:
    site = request.getfixturevalue(site_name)
    for path in xml_feeds(site):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        ids = [e.id for e in parsed.entries]
        assert ids and len(ids) == len(set(ids)), path
        for e in parsed.entries:
            assert not e.title.startswith("Pick: ")
            assert e.summary and e.content[0].value  # a plain-text summary and the full HTML body


@pytest.mark.parametrize("site_name", ["tricky", "example"])
def test_every_url_in_feeds_and_api_is_absolute(site_name: str, request: pytest.FixtureRequest) -> None:
    site = request.getfixturevalue(site_name)
    files = [*xml_feeds(site), *json_feeds(site), site / "feeds.opml", *site.glob("api/**/*.json")]
    count = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        for url in urls_in(text, path.name == "feed.json"):
            if url.startswith("http://opml.org/") or url.startswith("https://json-schema.org/"):
                continue
            assert_absolute(url, str(path.relative_to(site)))
            count += 1
        for e in feedparser.parse(path.read_bytes()).entries if path.suffix == ".xml" else ():
            for content in e.get("content", []):
                for url in re.findall(r"""(?:href|src)="([^"]*)""", content.value):
                    assert_absolute(url, f"{path.name} content")
    assert count > 50


def test_relative_links_resolve_against_the_page_they_belong_to(tricky: Path) -> None:
    rss = feedparser.parse((tricky / "feed.xml").read_bytes())
    first_day = next(e for e in rss.entries if e.id.endswith("digests/2024-10-25/"))
    html = first_day.content[0].value
    assert f'href="{BASE}about/"' in html  # the intro's ../../about/, from the digest page
    assert f'href="{BASE}digests/2024-10-25/#p-2410.18000"' in html
    assert f'href="{BASE}digests/2024-10-20/"' in html  # a note's ../2024-10-20/
    api = json.loads((tricky / "api/v1/digests/2024-10-26.json").read_text(encoding="utf-8"))
    assert f'href="{BASE}papers/2410.17243/"' in api["papers"][1]["note_html"]


def test_abstracts_and_titles_are_text_never_raw_html(tricky: Path) -> None:
    papers = feedparser.parse((tricky / "papers/feed.xml").read_bytes())
    entry = next(e for e in papers.entries if e.id == BASE + "papers/2410.17243/")
    assert entry.title == "Q&A for <Tricky> Models"
    html = entry.content[0].value
    assert "a &lt; b &amp; c holds when &lt;b&gt;bold&lt;/b&gt; claims fail" in html
    assert "<b>bold</b>" not in html
    atom = (tricky / "atom.xml").read_text(encoding="utf-8")
    assert "<b>" not in atom and "&lt;b&gt;bold" not in atom  # double-escaped in type="html" content


def test_items_are_usable_without_clicking(tricky: Path) -> None:
    rss = (tricky / "feed.xml").read_text(encoding="utf-8")
    digest = next(e for e in feedparser.parse(rss.encode()).entries if e.id.endswith("digests/2024-10-25/"))
    html = digest.content[0].value
    assert html.index("Hello.") < html.index("Q&amp;A for &lt;Tricky&gt; Models")  # intro, then the papers
    for part in ["José Álvarez and Ludwig van der Berg", "ACME Research", "a &lt; b &amp; c", "Read this",
                 f'href="{BASE}tags/memory/"', 'href="https://arxiv.org/abs/2410.17243"',
                 'href="https://arxiv.org/pdf/2410.17243"', 'href="https://github.com/example/tricky"']:
        assert part in html, part
    assert "<dc:creator>Ada Lovelace</dc:creator>" in rss
    papers = (tricky / "papers/feed.xml").read_text(encoding="utf-8")
    assert "<dc:creator>José Álvarez</dc:creator>" in papers and "<category>memory</category>" in papers
    assert "<dc:creator>ACME Research</dc:creator>" in papers


def test_one_item_per_paper_from_its_newest_appearance(tricky: Path, example: Path) -> None:
    papers = feedparser.parse((tricky / "papers/feed.xml").read_bytes())
    assert [e.id for e in papers.entries] == [BASE + f"papers/{p}/" for p in ("2410.19000", "2410.17243", "2410.18000")]
    again = papers.entries[1]
    assert "Back again" in again.content[0].value and "The next day" in again.content[0].value
    assert again.published == "Sat, 26 Oct 2024 12:00:00 +0200"
    memory = feedparser.parse((tricky / "tags/memory/feed.xml").read_bytes())
    assert len(memory.entries) == 3
    shipped = feedparser.parse((example / "papers/feed.xml").read_bytes())
    assert len(shipped.entries) == 100 and len({e.id for e in shipped.entries}) == 100


# -- JSON Feed, OPML, JSON API --------------------------------------------------

def test_json_feeds_have_the_required_fields(tricky: Path, example: Path) -> None:
    for site in (tricky, example):
        for path in json_feeds(site):
            feed = json.loads(path.read_text(encoding="utf-8"))
            assert feed["version"] == "https://jsonfeed.org/version/1.1" and feed["title"]
            assert feed["feed_url"].endswith("/" + path.relative_to(site).as_posix())
            assert feed["home_page_url"].startswith(("https://", "http://"))
            ids = [i["id"] for i in feed["items"]]
            assert ids and len(ids) == len(set(ids))
            for item in feed["items"]:
                assert isinstance(item["id"], str) and (item.get("content_html") or item.get("content_text"))
                assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$", item["date_published"])
    rss = feedparser.parse((tricky / "feed.xml").read_bytes())
    assert [i["id"] for i in json.loads((tricky / "feed.json").read_text())["items"]] == [e.id for e in rss.entries]


def test_opml_lists_every_feed(tricky: Path) -> None:
    root = ET.fromstring((tricky / "feeds.opml").read_bytes())
    listed = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    on_disk = {BASE + p.relative_to(tricky).as_posix() for p in [*xml_feeds(tricky), *json_feeds(tricky)]}
    assert listed == on_disk
    page = (tricky / "feeds/index.html").read_text(encoding="utf-8")
    for url in on_disk | {BASE + "feeds.opml"}:
        assert f'value="{url}"' in page, url


def test_api_files_match_their_published_json_schemas(tricky: Path, example: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for site in (tricky, example):
        schemas = {name: json.loads((site / f"api/v1/schema/{name}.json").read_text(encoding="utf-8"))
                   for name in ("index", "digest", "paper")}
        checked = 0
        for name, schema in schemas.items():
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
            pattern = {"index": "api/v1/index.json", "digest": "api/v1/digests/*.json", "paper": "api/v1/papers/*.json"}
            for path in site.glob(pattern[name]):
                data = json.loads(path.read_text(encoding="utf-8"))
                validator.validate(data)
                assert data["version"] == 1 and data["schema"].endswith(f"api/v1/schema/{name}.json")
                checked += 1
        assert checked >= 4


def test_api_links_resources_and_marks_overrides(tmp_path: Path, tricky: Path) -> None:
    index = json.loads((tricky / "api/v1/index.json").read_text(encoding="utf-8"))
    day_url = index["digests"][0]["api_url"]
    assert day_url == BASE + "api/v1/digests/2024-10-26.json"
    day = json.loads((tricky / day_url.removeprefix(BASE)).read_text(encoding="utf-8"))
    paper = json.loads((tricky / day["papers"][1]["api_url"].removeprefix(BASE)).read_text(encoding="utf-8"))
    assert [a["date"] for a in paper["appearances"]] == ["2024-10-26", "2024-10-25"]
    assert paper["index_url"] == BASE + "api/v1/index.json"
    assert json.loads((tricky / "api/digests.json").read_text(encoding="utf-8"))[0]["date"] == "2024-10-26"  # legacy
    changed = FILES["digests/2024-10-26.yaml"].replace(
        "          - paper: 2410.19000\n", "          - paper: 2410.19000\n            override: {title: Better Title}\n")
    out = build_tricky(tmp_path, **{"digests/2024-10-26.yaml": changed})
    entry = json.loads((out / "api/v1/digests/2024-10-26.json").read_text(encoding="utf-8"))["papers"][0]
    assert entry["title"] == "Better Title" and entry["overridden"] == ["title"]


def test_api_docs_describe_every_field(tricky: Path) -> None:
    docs = (REPO / "docs/api.md").read_text(encoding="utf-8")

    def names(schema: dict) -> set[str]:
        out = set(schema.get("properties", {}))
        for sub in schema.get("properties", {}).values():
            out |= names(sub.get("items", sub)) if isinstance(sub, dict) else set()
        return out
    for name in ("index", "digest", "paper"):
        schema = json.loads((tricky / f"api/v1/schema/{name}.json").read_text(encoding="utf-8"))
        for field in names(schema):
            assert f"`{field}`" in docs, f"docs/api.md does not describe {field!r}"


# -- BibTeX -------------------------------------------------------------------------

def test_bib_files_per_digest_and_tag(tricky: Path) -> None:
    day = (tricky / "digests/2024-10-25/papers.bib").read_text(encoding="utf-8")
    assert day.count("@misc{") == 2 and "@misc{alvarez2024tricky," in day and "@misc{acme" in day
    assert "anon" not in day
    assert (tricky / "tags/memory/papers.bib").read_text(encoding="utf-8").count("@misc{") == 3
    assert '/2024-10-25/papers.bib" type="application/x-bibtex"' in \
        (tricky / "digests/2024-10-25/index.html").read_text(encoding="utf-8")
    assert '/memory/papers.bib" type="application/x-bibtex"' in (tricky / "tags/memory/index.html").read_text(encoding="utf-8")
    page = (tricky / "papers/2410.17243/index.html").read_text(encoding="utf-8")
    assert "@misc{alvarez2024tricky," in page


# -- stability ----------------------------------------------------------------------

def _entries(path: Path) -> dict[str, dict]:
    return {e.id: e for e in feedparser.parse(path.read_bytes()).entries}


def test_a_note_edit_bumps_only_that_entrys_atom_updated(tmp_path: Path, tricky: Path) -> None:
    edited = FILES["digests/2024-10-25.yaml"].replace("Read this,", "Read this now,")
    out = build_tricky(tmp_path, **{"digests/2024-10-25.yaml": edited})
    before, after = _entries(tricky / "atom.xml"), _entries(out / "atom.xml")
    assert list(before) == list(after)
    changed = [i for i in before if before[i].updated != after[i].updated]
    assert changed == [BASE + "digests/2024-10-25/"]
    assert all(before[i].published == after[i].published for i in before)
    assert after[changed[0]].updated > after[changed[0]].published[:10]  # still that day, after publication
    for rel in ("feed.xml", "papers/feed.xml"):
        b, a = _entries(tricky / rel), _entries(out / rel)
        assert list(b) == list(a) and all(b[i].published == a[i].published for i in b)


def test_an_upvote_change_rewrites_no_feed_file(tmp_path: Path, tricky: Path) -> None:
    paper = FILES["papers/2410/2410.17243.yaml"].replace("upvotes: 64", "upvotes: 65")
    out = build_tricky(tmp_path, **{"papers/2410/2410.17243.yaml": paper})
    assert feed_bytes(out) == feed_bytes(tricky)
    assert (out / "digests/2024-10-25/papers.bib").read_bytes() == (tricky / "digests/2024-10-25/papers.bib").read_bytes()


def test_picks_and_reorders_do_not_shift_dates(tmp_path: Path, tricky: Path) -> None:
    reordered = FILES["digests/2024-10-26.yaml"].replace("            pick: true\n", "")
    out = build_tricky(tmp_path, **{"digests/2024-10-26.yaml": reordered})
    for rel in ("feed.xml", "papers/feed.xml", "tags/memory/feed.xml"):
        b, a = _entries(tricky / rel), _entries(out / rel)
        assert set(b) == set(a)
        assert {i: b[i].published for i in b} == {i: a[i].published for i in a}
        assert {i: b[i].title for i in b} == {i: a[i].title for i in a}


def test_a_new_digest_comes_first_and_leaves_old_ids_alone(tmp_path: Path, tricky: Path) -> None:
    new = ("date: 2024-10-27\ntitle: Newest\ncurator: ada\npapers:\n  - paper: 2410.18000\n"
           "    note: Once more.\n    tags: [memory]\n")
    out = build_tricky(tmp_path, **{"digests/2024-10-27.yaml": new})
    for rel in ("feed.xml", "atom.xml", "feed.json"):
        before = list(_entries(tricky / rel)) if rel != "feed.json" else \
            [i["id"] for i in json.loads((tricky / rel).read_text())["items"]]
        after = list(_entries(out / rel)) if rel != "feed.json" else \
            [i["id"] for i in json.loads((out / rel).read_text())["items"]]
        assert after == [BASE + "digests/2024-10-27/", *before]
    b, a = _entries(tricky / "papers/feed.xml"), _entries(out / "papers/feed.xml")
    assert list(a)[0] == BASE + "papers/2410.18000/" and set(a) == set(b)  # moved up, same GUID
    assert a[BASE + "papers/2410.18000/"].published == "Sun, 27 Oct 2024 12:00:00 +0100"
    others = [i for i in b if i != BASE + "papers/2410.18000/"]
    assert all(a[i].published == b[i].published for i in others)


# -- the W3C Feed Validator -----------------------------------------------------------

@pytest.mark.e2e
@pytest.mark.parametrize("site_name", ["tricky", "example"])
def test_w3c_feed_validator_passes_every_feed_strictly(site_name: str, request: pytest.FixtureRequest) -> None:
    checker = tools.feedcheck()
    site = request.getfixturevalue(site_name)
    feeds = xml_feeds(site)
    result = subprocess.run([str(checker), "--strict", "--engine", "w3c", *map(str, feeds)],
                            capture_output=True, text=True, timeout=900, check=False,
                            env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert f"feedcheck: {len(feeds)} feeds, 0 errors, 0 warnings, engine=w3c, PASS" in result.stdout
