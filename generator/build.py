"""`digest build`: the whole pipeline, top to bottom.

load -> validate -> model -> pages -> feeds -> JSON API -> static files ->
sitemap -> search index -> atomic swap. Output depends on content only:
no clock, locale, time zone or unsorted iteration reaches it.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import urls
from .api import api_files
from .catalog import build_catalog
from .content import load_site
from .diagnostics import Diagnostic, DigestError
from .feeds import Feeds
from .output import StagingDir, check_output_target
from .render import Renderer
from .search import build_search_index
from .sitemap import robots_txt, sitemap_xml
from .themes import fingerprint_assets, load_theme

Progress = Callable[[str, int, int], None]


@dataclass
class BuildResult:
    pages: int = 0
    papers: int = 0
    digests: int = 0
    feeds: int = 0
    files: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(content: Path, output: Path, *, theme: str | None = None, base_url: str | None = None,
          search: bool = True, progress: Progress = _quiet) -> BuildResult:
    """Build the site from `content` into `output`; raise DigestError and leave
    `output` as it was on any problem."""
    started = time.perf_counter()
    result = BuildResult()
    clock = _Stopwatch(result.timings)

    site, result.warnings = load_site(content)  # load + validate + model; raises with every problem
    if base_url:
        site = replace(site, config=replace(site.config, base_url=base_url.rstrip("/") + "/"))
    if theme:
        site = replace(site, config=replace(site.config, theme=theme))
    check_output_target(output, content)
    chosen_theme = load_theme(site.config.theme, content)
    catalog = build_catalog(site)
    clock.lap("load")

    staging = StagingDir(output)
    try:
        assets = fingerprint_assets(chosen_theme)
        renderer = Renderer(catalog, chosen_theme, assets)
        jobs = list(renderer.all_pages())
        for done, (kind, render) in enumerate(jobs, start=1):
            path, html = render()
            staging.write(path, html)
            if done % 50 == 0 or done == len(jobs):
                progress("pages", done, len(jobs))
        result.pages = len(jobs)
        clock.lap("pages")

        feeds = Feeds(catalog).all_feeds()
        for path, data in feeds:
            staging.write(path, data)
        result.feeds = len(feeds)
        progress("feeds", len(feeds), len(feeds))
        clock.lap("feeds")

        api = api_files(catalog)
        for path, data in api:
            staging.write(path, data)
        progress("api", len(api), len(api))
        clock.lap("api")

        for asset in assets.values():
            staging.write(asset.path, asset.data)
        staging.write(urls.SITEMAP, sitemap_xml(catalog))
        staging.write(urls.ROBOTS, robots_txt(site.config.base_url))
        clock.lap("static")

        if search:
            progress("search", 0, 1)
            build_search_index(staging.path)
            progress("search", 1, 1)
            clock.lap("search")

        staging.commit()
    except BaseException:
        staging.discard()
        raise
    result.papers = len(catalog.papers)
    result.digests = len(site.digests)
    result.files = sum(1 for p in output.rglob("*") if p.is_file())
    result.seconds = time.perf_counter() - started
    return result


class _Stopwatch:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = now - self.last
        self.last = now


__all__ = ["build", "BuildResult", "DigestError"]
