"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) writer.

`json_feed(...)` is a pure function: the same arguments give the same bytes
(UTF-8, keys in the spec's order, two-space indent, trailing newline). It
checks what the spec requires and what readers rely on, and raises
ValueError instead of writing a feed that breaks them:

- top level: ``version``, ``title``, ``items``;
- every item: a string ``id`` (unique in the feed) and ``content_html`` or
  ``content_text``;
- every URL absolute http(s) (a relative one is resolved against `base_url`
  if given, otherwise it is an error);
- dates RFC 3339 with an offset (naive datetimes are refused; strings must
  already be RFC 3339).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

VERSION = "https://jsonfeed.org/version/1.1"
MIME_TYPE = "application/feed+json"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class Author:
    name: str = ""
    url: str = ""
    avatar: str = ""


@dataclass(frozen=True)
class Item:
    id: str
    url: str = ""
    title: str = ""
    content_html: str = ""
    content_text: str = ""
    summary: str = ""
    external_url: str = ""
    image: str = ""
    date_published: datetime | str | None = None
    date_modified: datetime | str | None = None
    authors: Sequence[Author | Mapping[str, str] | str] = ()
    tags: Sequence[str] = ()
    language: str = ""


def rfc3339(value: datetime | str) -> str:
    """An aware datetime (or an RFC 3339 string, checked) as RFC 3339, to the second."""
    if isinstance(value, str):
        if not RFC3339.match(value):
            raise ValueError(f"not an RFC 3339 date-time: {value!r}")
        datetime.fromisoformat(value)  # raises on e.g. month 13
        return value
    if not isinstance(value, datetime) and isinstance(value, date):
        raise ValueError(f"a date is not a date-time (use a datetime with a time zone): {value!r}")  # noqa: TRY004
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime has no offset, so it is not RFC 3339: {value!r}")
    text = value.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def absolute(url: str, base_url: str = "", what: str = "url") -> str:
    """`url` as an absolute http(s) URL; relative ones are resolved against `base_url`."""
    resolved = urljoin(base_url, url.strip()) if base_url else url.strip()
    parts = urlsplit(resolved)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} is not an absolute http(s) URL: {url!r}")
    return resolved


def _author(value: Author | Mapping[str, str] | str, base_url: str) -> dict[str, str]:
    if isinstance(value, str):
        value = Author(name=value)
    elif isinstance(value, Mapping):
        value = Author(**{k: str(v) for k, v in value.items() if k in ("name", "url", "avatar")})
    if not (value.name or value.url or value.avatar):
        raise ValueError("an author needs a name, url or avatar")
    out: dict[str, str] = {}
    if value.name:
        out["name"] = value.name
    if value.url:
        out["url"] = absolute(value.url, base_url, "author url")
    if value.avatar:
        out["avatar"] = absolute(value.avatar, base_url, "author avatar")
    return out


def _item(item: Item | Mapping[str, Any], base_url: str) -> dict[str, Any]:
    if isinstance(item, Mapping):
        item = Item(**item)
    if not isinstance(item.id, str) or not item.id.strip():
        raise ValueError(f"item id must be a non-empty string: {item.id!r}")
    if not (item.content_html or item.content_text):
        raise ValueError(f"item {item.id!r} needs content_html or content_text")
    out: dict[str, Any] = {"id": item.id}
    for key in ("url", "external_url"):
        if getattr(item, key):
            out[key] = absolute(getattr(item, key), base_url, f"item {key}")
    if item.title:
        out["title"] = item.title
    if item.content_html:
        out["content_html"] = item.content_html
    if item.content_text:
        out["content_text"] = item.content_text
    if item.summary:
        out["summary"] = item.summary
    if item.image:
        out["image"] = absolute(item.image, base_url, "item image")
    for key in ("date_published", "date_modified"):
        if getattr(item, key) is not None:
            out[key] = rfc3339(getattr(item, key))
    if item.authors:
        out["authors"] = [_author(a, base_url) for a in item.authors]
    tags = [t for t in dict.fromkeys(item.tags) if t]  # de-duplicated, order kept
    if tags:
        out["tags"] = tags
    if item.language:
        out["language"] = item.language
    return out


def json_feed(*, title: str, items: Iterable[Item | Mapping[str, Any]], home_page_url: str = "",
              feed_url: str = "", description: str = "", language: str = "", icon: str = "", favicon: str = "",
              authors: Sequence[Author | Mapping[str, str] | str] = (), user_comment: str = "",
              next_url: str = "", base_url: str = "") -> bytes:
    """A JSON Feed 1.1 document. Items are written in the order given (put the
    newest first, as the spec recommends)."""
    if not title.strip():
        raise ValueError("a JSON Feed needs a title")
    base = base_url or home_page_url
    feed: dict[str, Any] = {"version": VERSION, "title": title}
    if user_comment:
        feed["user_comment"] = user_comment
    for key, value in (("home_page_url", home_page_url), ("feed_url", feed_url)):
        if value:
            feed[key] = absolute(value, base, key)
    if description:
        feed["description"] = description
    if next_url:
        feed["next_url"] = absolute(next_url, base, "next_url")
    for key, value in (("icon", icon), ("favicon", favicon)):
        if value:
            feed[key] = absolute(value, base, key)
    if authors:
        feed["authors"] = [_author(a, base) for a in authors]
    if language:
        feed["language"] = language
    written = [_item(i, base) for i in items]
    seen: set[str] = set()
    for entry in written:
        if entry["id"] in seen:
            raise ValueError(f"duplicate item id: {entry['id']!r}")
        seen.add(entry["id"])
    feed["items"] = written
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
