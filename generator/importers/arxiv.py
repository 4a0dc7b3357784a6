"""`arxiv`: an arXiv API Atom response (export.arxiv.org/api/query)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..content import ids
from ..diagnostics import WARNING, Diagnostic, DigestError
from . import Candidate
from .hf_api import _iso_day, unfold

NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}


def parse(text: str, source: str) -> tuple[list[Candidate], list[Diagnostic]]:
    if "<!DOCTYPE" in text[:2000] or "<!ENTITY" in text:
        raise DigestError.single(source, "the response declares a DTD or entities, which arXiv never sends",
                                 "refusing to parse it", 1, 1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line, col = exc.position
        raise DigestError.single(source, f"invalid XML: {exc}", "the response may be truncated or an error page",
                                 line, col + 1) from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise DigestError.single(source, f"expected an Atom feed, got <{root.tag}>", "", 1, 1)
    candidates: list[Candidate] = []
    warnings: list[Diagnostic] = []
    for index, entry in enumerate(root.findall("atom:entry", NS)):
        raw_id = (entry.findtext("atom:id", "", NS) or "").strip()
        arxiv = ids.normalize_arxiv(raw_id)
        title = unfold(entry.findtext("atom:title", "", NS) or "")
        if not arxiv or not title:
            if title == "Error" or "api/errors" in raw_id:
                summary = unfold(entry.findtext("atom:summary", "", NS) or "")
                raise DigestError.single(source, f"the arXiv API returned an error: {summary}", "", 1, 1)
            warnings.append(Diagnostic(source, 0, 0, f"entry {index}: no arXiv id or title; skipped", "", WARNING))
            continue
        authors = [unfold(a.findtext("atom:name", "", NS) or "") for a in entry.findall("atom:author", NS)]
        candidate = Candidate({
            "title": title, "abstract": unfold(entry.findtext("atom:summary", "", NS) or ""),
            "authors": [a for a in authors if a], "arxiv": arxiv,
            "published": _iso_day(entry.findtext("atom:published", "", NS)),
            "source": f"arxiv {source.rsplit('/', 1)[-1] if not source.startswith('http') else source}"})
        category = entry.find("arxiv:primary_category", NS)
        if category is not None and category.get("term"):
            candidate.record["category"] = category.get("term")
        version = re.search(r"v(\d+)$", raw_id)
        if version:  # a new version keeps the paper's id: the record says which version is the latest
            candidate.record["arxiv_version"] = int(version.group(1))
            candidate.record["arxiv_version_date"] = _iso_day(entry.findtext("atom:updated", "", NS))
        # links without a version, as hf-api and resolve write them: the latest version, and no flip-flop
        links = candidate.record["links"] = {"arxiv": f"https://arxiv.org/abs/{arxiv}"}
        for link in entry.findall("atom:link", NS):
            href = link.get("href") or ""
            if link.get("title") == "pdf" and href.startswith(("https://", "http://")):
                links["pdf"] = f"https://arxiv.org/pdf/{arxiv}"
        candidates.append(candidate)
    return candidates, warnings
