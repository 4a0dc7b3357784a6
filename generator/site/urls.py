"""Where every page and file lives in the output, in one place.

Paths are relative to the site root, without a leading slash; a path ending
in '/' is a folder served by its index.html (clean URLs). Pages link to each
other with relative URLs, so the site works under any base path and from a
plain file server; feeds, sitemaps and canonical links use absolute URLs.
"""
from __future__ import annotations

from datetime import date

HOME = ""
ARCHIVE = "archive/"
TAGS = "tags/"
SEARCH = "search/"
NOT_FOUND = "404.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
RSS = "feed.xml"
ATOM = "atom.xml"
PAPERS_FEED = "papers/feed.xml"
JSON_FEED = "feed.json"
PAPERS_JSON_FEED = "papers/feed.json"
OPML = "feeds.opml"
FEEDS = "feeds/"
API_DIGESTS = "api/digests.json"
API_V1 = "api/v1/index.json"
__all__ = ["HOME", "ARCHIVE", "TAGS", "SEARCH", "NOT_FOUND", "SITEMAP", "ROBOTS", "RSS", "ATOM", "PAPERS_FEED",
           "JSON_FEED", "PAPERS_JSON_FEED", "OPML", "FEEDS", "API_DIGESTS", "API_V1", "digest", "digest_card", "week",
           "month", "paper", "paper_card", "entry_anchor", "tag", "tag_feed", "page", "api_digest", "api_paper",
           "tag_json_feed", "digest_bib", "tag_bib"]
RESERVED = {"digests", "papers", "tags", "archive", "search", "api", "static", "404", "feed", "weeks", "months",
            "atom", "sitemap", "robots", "feeds"}


def digest(day: date) -> str:
    return f"digests/{day.isoformat()}/"


def digest_card(day: date) -> str:
    """The digest's social card (og:image)."""
    return f"digests/{day.isoformat()}/card.png"


def week(key: str) -> str:
    """'2026-W27' -> weeks/2026-W27/"""
    return f"weeks/{key}/"


def month(key: str) -> str:
    """'2026-07' -> months/2026-07/"""
    return f"months/{key}/"


def paper(paper_id: str) -> str:
    return f"papers/{paper_id}/"


def paper_card(paper_id: str) -> str:
    """The paper's social card (og:image), beside its page."""
    return f"papers/{paper_id}/card.png"


def entry_anchor(paper_id: str) -> str:
    return f"p-{paper_id}"


def tag(name: str) -> str:
    return f"tags/{name}/"


def tag_feed(name: str) -> str:
    return f"tags/{name}/feed.xml"


def tag_json_feed(name: str) -> str:
    return f"tags/{name}/feed.json"


def digest_bib(day: date) -> str:
    return f"digests/{day.isoformat()}/papers.bib"


def tag_bib(name: str) -> str:
    return f"tags/{name}/papers.bib"


def page(slug: str) -> str:
    return f"{slug}/"


def api_digest(day: date) -> str:
    return f"api/digests/{day.isoformat()}.json"


def api_paper(paper_id: str) -> str:
    return f"api/papers/{paper_id}.json"


def file_for(path: str) -> str:
    """The file that serves `path`."""
    return path + "index.html" if path == "" or path.endswith("/") else path


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at `from_path` to `to_path` (both site-relative)."""
    return ("../" * from_path.count("/") + to_path) or "./"


def absolute(base_url: str, path: str) -> str:
    return base_url + path
