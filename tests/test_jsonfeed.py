"""generator.site.jsonfeed: JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest

from generator.site.jsonfeed import RFC3339, VERSION, Author, Item, json_feed, rfc3339

CET = timezone(timedelta(hours=2))
BASE = "https://digest.example.org/site/"


def sample() -> bytes:
    return json_feed(
        title="Neural Notes", home_page_url=BASE, feed_url="feed.json", description="A digest & more",
        language="en", icon="static/icon.png", authors=[Author("Ada Lovelace", "https://example.org/ada")],
        items=[
            Item(id=BASE + "digests/2026-07-01/", url="digests/2026-07-01/", title="Day <two> & more",
                 content_html='<p>See <a href="https://digest.example.org/site/papers/x/">x</a></p>',
                 summary="Two papers.", date_published=datetime(2026, 7, 1, 12, tzinfo=CET),
                 date_modified=datetime(2026, 7, 2, 9, 30, tzinfo=UTC),
                 authors=["Ada Lovelace"], tags=["theory", "llm", "theory"]),
            {"id": "urn:digest:2026-06-30", "url": BASE + "digests/2026-06-30/", "title": "Text only",
             "content_text": "Plain text, José.", "date_published": "2026-06-30T12:00:00Z"},
        ])


def walk_urls(feed: dict):
    for key in ("home_page_url", "feed_url", "icon", "favicon", "next_url"):
        if key in feed:
            yield feed[key]
    for author in feed.get("authors", []):
        yield from (author[k] for k in ("url", "avatar") if k in author)
    for item in feed["items"]:
        yield from (item[k] for k in ("url", "external_url", "image") if k in item)
        for author in item.get("authors", []):
            yield from (author[k] for k in ("url", "avatar") if k in author)


def test_required_fields_of_the_spec():
    feed = json.loads(sample())
    assert feed["version"] == VERSION == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list) and len(feed["items"]) == 2
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
    assert len({i["id"] for i in feed["items"]}) == len(feed["items"])


def test_all_urls_absolute():
    feed = json.loads(sample())
    urls = list(walk_urls(feed))
    assert len(urls) == 6
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.netloc, url
    assert feed["feed_url"] == BASE + "feed.json"
    assert feed["items"][0]["url"] == BASE + "digests/2026-07-01/"


def test_dates_are_rfc3339():
    feed = json.loads(sample())
    dates = [item[k] for item in feed["items"] for k in ("date_published", "date_modified") if k in item]
    assert dates == ["2026-07-01T12:00:00+02:00", "2026-07-02T09:30:00Z", "2026-06-30T12:00:00Z"]
    for value in dates:
        assert RFC3339.match(value)
        assert datetime.fromisoformat(value).tzinfo is not None


def test_bytes_are_stable_utf8_with_spec_key_order_and_newline():
    data = sample()
    assert data == sample()
    assert data.endswith(b"}\n") and "José".encode() in data
    feed = json.loads(data)
    assert list(feed) == ["version", "title", "home_page_url", "feed_url", "description", "icon", "authors",
                          "language", "items"]
    assert list(feed["items"][0]) == ["id", "url", "title", "content_html", "summary", "date_published",
                                      "date_modified", "authors", "tags"]
    assert feed["items"][0]["tags"] == ["theory", "llm"]
    assert feed["items"][0]["authors"] == [{"name": "Ada Lovelace"}]


def test_matches_a_json_schema_of_the_spec():
    jsonschema = pytest.importorskip("jsonschema")
    author = {"type": "object", "minProperties": 1, "additionalProperties": False,
              "properties": {k: {"type": "string"} for k in ("name", "url", "avatar")}}
    item = {"type": "object", "required": ["id"], "anyOf": [{"required": ["content_html"]},
                                                            {"required": ["content_text"]}],
            "properties": {"id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                           "authors": {"type": "array", "items": author},
                           "date_published": {"type": "string", "format": "date-time"},
                           "date_modified": {"type": "string", "format": "date-time"}}}
    schema = {"type": "object", "required": ["version", "title", "items"],
              "properties": {"version": {"const": VERSION}, "title": {"type": "string"},
                             "authors": {"type": "array", "items": author},
                             "items": {"type": "array", "items": item}}}
    jsonschema.validate(json.loads(sample()), schema, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("bad, message", [
    ({"items": [Item(id="a")]}, "content_html or content_text"),
    ({"items": [Item(id="", content_text="x")]}, "non-empty string"),
    ({"items": [Item(id="a", content_text="x"), Item(id="a", content_text="y")]}, "duplicate"),
    ({"items": [Item(id="a", content_text="x", url="/relative/")]}, "absolute"),
    ({"items": [Item(id="a", content_text="x", url="javascript:alert(1)")], "base_url": BASE}, "absolute"),
    ({"items": [Item(id="a", content_text="x", date_published=datetime(2026, 1, 1))]}, "naive"),
    ({"items": [Item(id="a", content_text="x", date_published=date(2026, 1, 1))]}, "date-time"),
    ({"items": [Item(id="a", content_text="x", date_published="2026-01-01 12:00")]}, "RFC 3339"),
    ({"title": " ", "items": []}, "title"),
])
def test_refuses_what_breaks_the_spec(bad, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        json_feed(**{"title": "T", **bad})


def test_rfc3339_formats():
    assert rfc3339(datetime(2026, 7, 1, 12, 0, 5, 123456, tzinfo=UTC)) == "2026-07-01T12:00:05Z"
    assert rfc3339("2026-07-01T12:00:00.5-05:00") == "2026-07-01T12:00:00.5-05:00"
    with pytest.raises(ValueError):
        rfc3339("2026-13-01T12:00:00Z")
