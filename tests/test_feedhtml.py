"""generator.site.feedhtml: feed item HTML that the W3C Feed Validator accepts with no warnings."""
from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from generator.content.model import Curator, Digest, DigestEntry, Links, Organization, Paper
from generator.site import feedhtml
from generator.site.markup import render_markdown

from . import tools

BASE = "https://digest.example.org/site/"
PAGE = BASE + "digests/2026-07-01/"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

TRICKY = Paper(id="2501.00001", title="Q&A for <Tricky> Models: 100% of $x_i$ ~ {braces}",
               abstract="We show that a < b & c holds when <b>bold</b> claims fail, e.g. for x<y. Then more.",
               authors=("José Álvarez", "Ludwig van der Berg", "Plato"), published=date(2025, 1, 2),
               arxiv="2501.00001", category="cs.LG", links=Links(code="https://github.com/example/tricky"))
ORG_ONLY = Paper(id="org-report", title="A Report & Its Appendix", abstract="No sentence end here",
                 organization=Organization("ACME", "ACME Research Lab"), links=Links(pdf="https://acme.example/r.pdf"))
NOTE = ("Compare with [the earlier digest](../2026-05-20/) and [this entry](#p-org-report), "
        "see ![figure](img/fig.png) and [the code](https://github.com/example/tricky). "
        "5 < 6 & <i>x</i> <script>alert(1)</script>")
DIGEST = Digest(date=date(2026, 7, 1), title="Tricky & <odd> day", curator=Curator("ada", "Ada Lovelace"),
                intro="Intro with a [relative link](../../about/) & an ampersand.",
                entries=(DigestEntry(TRICKY, pick=True, note=NOTE, tags=("llm-behavior", "theory"), position=0),
                         DigestEntry(ORG_ONLY, note="Plain note.", position=1)))


def body() -> str:
    return feedhtml.digest_item_html(DIGEST, base_url=BASE, page_url=PAGE, render=render_markdown)


def hrefs(fragment: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', fragment)


def test_text_to_html_escapes_everything_html_would_read():
    assert feedhtml.text_to_html("a < b & <b>c</b>\n \"q\" 'x'") == \
        "a &lt; b &amp; &lt;b&gt;c&lt;/b&gt; &quot;q&quot; &#x27;x&#x27;"


def test_absolutize_html_resolves_against_the_page_and_drops_unsafe_links():
    out = feedhtml.absolutize_html('<p><a href="../x/">a</a> <a href="#f">b</a> <a href="javascript:alert(1)">c</a>'
                                   '<img src="i.png" alt=""> <a href="//cdn.example/y">d</a></p>', PAGE)
    assert hrefs(out) == [BASE + "digests/x/", PAGE + "#f", PAGE + "i.png", "https://cdn.example/y"]
    assert "javascript" not in out


def test_abstract_preview_first_sentence_or_300_chars():
    assert feedhtml.abstract_preview(TRICKY.abstract) == \
        "We show that a < b & c holds when <b>bold</b> claims fail, e.g. for x<y."
    long = "word " * 200
    preview = feedhtml.abstract_preview(long)
    assert len(preview) <= 300 and preview.endswith("…")
    assert feedhtml.first_sentence("J. Smith et al. found 1.5 times more. Next.") == "J. Smith et al. found 1.5 times more."


def test_digest_body_has_every_part_and_only_absolute_urls():
    html = body()
    assert html.startswith("<p>Intro with a ")
    assert html.count("<li>") == 2
    for url in hrefs(html):
        assert re.match(r"https?://[^/]+/", url), url
    assert BASE + "about/" in hrefs(html)  # intro link resolved against the digest page
    assert BASE + "digests/2026-05-20/" in hrefs(html)  # note link resolved against the digest page
    assert PAGE + "#p-org-report" in hrefs(html)
    assert BASE + "papers/2501.00001/" in hrefs(html)
    assert BASE + "tags/llm-behavior/" in hrefs(html)
    assert "https://arxiv.org/abs/2501.00001" in hrefs(html) and "https://arxiv.org/pdf/2501.00001" in hrefs(html)
    assert "https://github.com/example/tricky" in hrefs(html) and "https://acme.example/r.pdf" in hrefs(html)
    assert "<strong>Pick:</strong>" in html
    assert "José Álvarez, Ludwig van der Berg and Plato" in html and "ACME Research Lab" in html
    assert "a &lt; b &amp; c" in html and "&lt;b&gt;bold&lt;/b&gt;" in html  # abstract is text, escaped
    assert "<script" not in html and "alert" not in html
    assert "Q&amp;A for &lt;Tricky&gt;" in html
    assert body() == html  # deterministic


def _feed(content_type: str = "html"):
    from feedgen.feed import FeedGenerator
    fg = FeedGenerator()
    fg.id(BASE + "feed.xml")
    fg.title("Test & <digest>")
    fg.description("A digest for tests.")
    fg.link(href=BASE + "feed.xml", rel="self")
    fg.link(href=BASE, rel="alternate")
    fg.language("en")
    when = datetime(2026, 7, 1, 12, tzinfo=UTC)
    fg.updated(when)
    fg.lastBuildDate(when)
    fe = fg.add_entry()
    fe.id(PAGE)
    fe.guid(PAGE, permalink=True)
    fe.title(DIGEST.title)
    fe.link(href=PAGE)
    fe.author(name=DIGEST.curator.name)
    if content_type == "html":
        feedhtml.apply_entry_content(fe, body(), "Summary: a < b & <b>c</b>, 100% sure.")
    else:  # what generator/feeds.py does today
        fe.description("Summary: a < b & <b>c</b>, 100% sure.")
        fe.content(body(), type=content_type)
    fe.published(when)
    fe.updated(when)
    return fg


def test_feedgen_usage_gives_escaped_html_not_cdata():
    fg = _feed()
    atom, rss = fg.atom_str(pretty=True), fg.rss_str(pretty=True)
    assert b"CDATA" not in atom and b"CDATA" not in rss
    entry = ET.fromstring(atom).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.find(f"{ATOM}content").text == body()
    item = ET.fromstring(rss).find("channel/item")
    assert item.find(CONTENT).text == body()
    assert item.find("description").text == "Summary: a &lt; b &amp; &lt;b&gt;c&lt;/b&gt;, 100% sure."


def test_hex_char_refs_keeps_the_xml_meaning():
    rss = _feed().rss_str(pretty=True)
    fixed = feedhtml.hex_char_refs(rss)
    assert b"&amp;" not in fixed and b"&lt;" not in fixed and b"&#x3C;odd&gt;" in fixed
    canon = [ET.canonicalize(x.decode("utf-8")) for x in (rss, fixed)]
    assert canon[0] == canon[1]
    assert feedhtml.hex_char_refs(b"<a><![CDATA[&amp; &lt;]]>&amp;</a>") == b"<a><![CDATA[&amp; &lt;]]>&#x26;</a>"


def _feedcheck(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(tools.feedcheck()), "--strict", "--engine", "w3c", *map(str, paths)],
                          check=False, capture_output=True, text=True, timeout=900)


@pytest.mark.e2e  # the W3C Feed Validator: slow
def test_w3c_validator_accepts_rss_and_atom_with_no_warnings(tmp_path):
    fg = _feed()
    (tmp_path / "feed.xml").write_bytes(feedhtml.hex_char_refs(fg.rss_str(pretty=True)))
    (tmp_path / "atom.xml").write_bytes(fg.atom_str(pretty=True))
    result = _feedcheck(tmp_path / "feed.xml", tmp_path / "atom.xml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 feeds, 0 errors, 0 warnings, engine=w3c, PASS" in result.stdout


@pytest.mark.e2e
def test_w3c_validator_rejects_the_cdata_type(tmp_path):
    """The control: feedgen's type="CDATA" is what made atom.xml fail the audit."""
    (tmp_path / "atom.xml").write_bytes(_feed("CDATA").atom_str(pretty=True))
    result = _feedcheck(tmp_path / "atom.xml")
    assert result.returncode == 1
    assert "Not a valid MIME type" in result.stdout


@pytest.mark.e2e
def test_w3c_validator_wants_hex_refs_in_rss_titles(tmp_path):
    """The control for hex_char_refs: the same RSS as lxml writes it warns."""
    (tmp_path / "feed.xml").write_bytes(_feed().rss_str(pretty=True))
    result = _feedcheck(tmp_path / "feed.xml")
    assert result.returncode == 1
    assert 'Encode "&" and "<" in plain text using hexadecimal character references' in result.stdout
