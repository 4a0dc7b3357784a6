"""OPML 2.0 (http://opml.org/spec2.opml) subscription lists of the site's feeds.

`opml(...)` is a pure function: same arguments, same bytes (UTF-8, attributes
in a fixed order, two-space indent, trailing newline, no dateCreated unless
given: there is no clock here).

Every feed is an ``<outline type="rss">``: the spec defines subscription
lists as nodes of type "rss" whatever the feed's format, and that is what
readers import. The format is in ``version``: "RSS2" (a value the spec
lists), "Atom" or "JSONFeed" (common, not in the spec, harmless). Feeds with
a `group` are nested under an outline with that text, groups in order of
first appearance.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

DOCS = "http://opml.org/spec2.opml"
VERSIONS = {"rss": "RSS2", "atom": "Atom", "json": "JSONFeed"}


@dataclass(frozen=True)
class FeedRef:
    title: str
    xml_url: str
    html_url: str = ""
    kind: str = "rss"  # "rss", "atom" or "json"
    description: str = ""
    language: str = ""
    group: str = ""


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an absolute http(s) URL: {url!r}")
    return url


def _outline(feed: FeedRef) -> ET.Element:
    if feed.kind not in VERSIONS:
        raise ValueError(f"unknown feed kind {feed.kind!r} (one of {', '.join(VERSIONS)})")
    if not feed.title.strip():
        raise ValueError(f"feed {feed.xml_url!r} needs a title (OPML requires text)")
    attrs = {"type": "rss", "text": feed.title, "title": feed.title, "version": VERSIONS[feed.kind],
             "xmlUrl": _check_url(feed.xml_url, "xmlUrl")}
    if feed.html_url:
        attrs["htmlUrl"] = _check_url(feed.html_url, "htmlUrl")
    if feed.description:
        attrs["description"] = feed.description
    if feed.language:
        attrs["language"] = feed.language
    return ET.Element("outline", attrs)


def opml(feeds: Iterable[FeedRef], *, title: str, owner_name: str = "", owner_id: str = "",
         date_created: str = "") -> bytes:
    """An OPML 2.0 subscription list. `date_created` is an RFC 822 date string if
    wanted (pass it in; nothing here reads the clock). Feeds keep the given order."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    if date_created:
        ET.SubElement(head, "dateCreated").text = date_created
    if owner_name:
        ET.SubElement(head, "ownerName").text = owner_name
    if owner_id:
        ET.SubElement(head, "ownerId").text = _check_url(owner_id, "ownerId")
    ET.SubElement(head, "docs").text = DOCS
    body = ET.SubElement(root, "body")
    groups: dict[str, ET.Element] = {}
    seen: set[str] = set()
    for feed in feeds:
        if feed.xml_url in seen:
            raise ValueError(f"feed listed twice: {feed.xml_url!r}")
        seen.add(feed.xml_url)
        parent = body
        if feed.group:
            if feed.group not in groups:
                groups[feed.group] = ET.SubElement(body, "outline", {"text": feed.group, "title": feed.group})
            parent = groups[feed.group]
        parent.append(_outline(feed))
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")
