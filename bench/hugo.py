"""Write the same corpus as a Hugo site, for a side-by-side build time.

    python bench/hugo.py bench/out/10k/content bench/out/10k/hugo

One page per paper (title, byline, abstract, the digests it appeared in with
their notes and tags) and one per digest (its papers with notes), a tags
taxonomy, and a minimal theme with list and single templates: roughly the pages
`digest build` writes, without feeds, JSON or search.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.content.loader import load_site  # noqa: E402
from generator.site.catalog import build_catalog  # noqa: E402

CONFIG = """baseURL = "https://bench.example.org/"
title = "Benchmark Digest"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
[taxonomies]
  tag = "tags"
[markup.goldmark.renderer]
  unsafe = false
"""
BASEOF = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
"""
SINGLE = """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Params.byline }}<p>{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .Params.tags }}<ul>{{ range . }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
"""
LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"""


def front(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n\n"


def write(content: Path, out: Path) -> int:
    site, _ = load_site(content)
    catalog = build_catalog(site)
    shutil.rmtree(out, ignore_errors=True)
    for rel, text in {"hugo.toml": CONFIG, "layouts/_default/baseof.html": BASEOF,
                      "layouts/_default/single.html": SINGLE, "layouts/_default/list.html": LIST}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    papers, digests = out / "content" / "papers", out / "content" / "digests"
    papers.mkdir(parents=True)
    digests.mkdir(parents=True)
    for paper in catalog.papers:
        items = catalog.by_paper[paper.id]
        body = [paper.abstract, "", "## In digests", ""]
        for a in items:
            body.append(f"- [{a.digest.title}](/digests/{a.digest.date.isoformat()}/) {a.entry.note}")
        tags = sorted({t for a in items for t in a.entry.tags})
        (papers / f"{paper.id}.md").write_text(front({
            "title": paper.title, "date": items[-1].digest.date.isoformat(), "byline": paper.byline,
            "tags": tags}) + "\n".join(body) + "\n", encoding="utf-8")
    for digest in site.digests:
        body = [digest.intro, ""]
        for e in digest.entries:
            body += [f"### [{e.paper.title}](/papers/{e.paper.id}/)", "", e.paper.byline, "", e.note, ""]
        (digests / f"{digest.slug}.md").write_text(front({
            "title": digest.title, "date": digest.slug, "tags": sorted({t for e in digest.entries for t in e.tags})})
            + "\n".join(body), encoding="utf-8")
    return len(catalog.papers) + len(site.digests)


if __name__ == "__main__":
    print(write(Path(sys.argv[1]), Path(sys.argv[2])), "pages written")
