"""generator.site.opml: OPML 2.0 subscription list of the site's feeds."""
from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from generator.site.opml import FeedRef, opml

BASE = "https://digest.example.org/site/"
FEEDS = [
    FeedRef("Neural Notes", BASE + "feed.xml", BASE, "rss", "Daily digest & notes", "en"),
    FeedRef("Neural Notes (Atom)", BASE + "atom.xml", BASE, "atom"),
    FeedRef("Neural Notes: every paper", BASE + "papers/feed.xml", BASE + "archive/"),
    FeedRef("Neural Notes: <theory> & more", BASE + "tags/theory/feed.xml", BASE + "tags/theory/", group="Tags"),
    FeedRef("Neural Notes: scaling", BASE + "tags/scaling/feed.xml", BASE + "tags/scaling/", group="Tags"),
]


def test_parses_as_opml_2_with_every_feed():
    data = opml(FEEDS, title="Neural Notes feeds", owner_name="Ada Lovelace", date_created="Wed, 01 Jul 2026 12:00:00 GMT")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n') and data.endswith(b"</opml>\n")
    root = ET.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "Neural Notes feeds"
    assert root.find("head/ownerName").text == "Ada Lovelace"
    assert root.find("head/dateCreated").text == "Wed, 01 Jul 2026 12:00:00 GMT"
    assert root.find("head/docs").text == "http://opml.org/spec2.opml"
    subs = root.findall(".//outline[@xmlUrl]")
    assert [(o.get("text"), o.get("xmlUrl"), o.get("htmlUrl"), o.get("type"), o.get("version")) for o in subs] == [
        ("Neural Notes", BASE + "feed.xml", BASE, "rss", "RSS2"),
        ("Neural Notes (Atom)", BASE + "atom.xml", BASE, "rss", "Atom"),
        ("Neural Notes: every paper", BASE + "papers/feed.xml", BASE + "archive/", "rss", "RSS2"),
        ("Neural Notes: <theory> & more", BASE + "tags/theory/feed.xml", BASE + "tags/theory/", "rss", "RSS2"),
        ("Neural Notes: scaling", BASE + "tags/scaling/feed.xml", BASE + "tags/scaling/", "rss", "RSS2"),
    ]
    assert subs[0].get("description") == "Daily digest & notes" and subs[0].get("language") == "en"
    for o in root.iter("outline"):
        assert o.get("text")  # required on every outline
    group = root.find("body/outline[@text='Tags']")
    assert [o.get("xmlUrl") for o in group] == [BASE + "tags/theory/feed.xml", BASE + "tags/scaling/feed.xml"]
    assert group.get("xmlUrl") is None
    assert len(root.find("body")) == 4  # three feeds and the Tags folder


def test_deterministic_and_clock_free():
    assert opml(FEEDS, title="T") == opml(list(FEEDS), title="T")
    assert b"dateCreated" not in opml(FEEDS, title="T")


@pytest.mark.parametrize("feed, message", [
    (FeedRef("X", "feed.xml"), "absolute"),
    (FeedRef("X", BASE + "f.xml", "/relative/"), "absolute"),
    (FeedRef("", BASE + "f.xml"), "title"),
    (FeedRef("X", BASE + "f.xml", kind="rdf"), "kind"),
])
def test_refuses_bad_feeds(feed, message):
    with pytest.raises(ValueError, match=message):
        opml([feed], title="T")


def test_refuses_duplicates():
    with pytest.raises(ValueError, match="twice"):
        opml([FEEDS[0], FEEDS[0]], title="T")
