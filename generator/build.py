"""`digest build`: the whole pipeline, top to bottom.

load -> validate -> model -> plan (pages, feeds, JSON, static, sitemap) ->
render what changed -> search index -> swap into place. Output depends on
content only: no clock, locale, time zone or unsorted iteration reaches it.

A full build renders everything into a fresh folder and swaps it in. When a
previous build's manifest matches the output folder, only the files whose
inputs changed are rendered (into a staging folder first), then moved into
place, and files no longer produced are removed: the result is byte for byte
what a full build would write.
"""
from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from typing import TYPE_CHECKING

from .cache import (RACY_NS, BuildCache, forget_up_to_date, inputs_stamp, outputs_stamp, read_up_to_date,
                    scan_output, write_up_to_date)
from .diagnostics import Diagnostic
from .output import StagingDir, check_output_target
from .parallel import default_jobs, run_map
from .search import SHARD_ROOT, index_shard
from .themes import find_themes_dir

if TYPE_CHECKING:
    from .plan import Output

Progress = Callable[[str, int, int], None]
FULL_REBUILD_SHARE = 0.5  # past this share of changed files, a full build (with a whole-folder swap) is cheaper


@dataclass
class BuildResult:
    pages: int = 0
    papers: int = 0
    digests: int = 0
    feeds: int = 0
    files: int = 0
    rendered: int = 0  # files written by this build (all of them in a full build)
    removed: int = 0
    incremental: bool = False
    search_indexed: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def build(content: Path, output: Path, **options) -> BuildResult:  # type: ignore[no-untyped-def]
    """Build the site from `content` into `output`; raise DigestError and leave
    `output` as it was on any problem in the content.

    The cyclic garbage collector is paused meanwhile: a build holds millions of
    long-lived, acyclic objects that each collection would walk again (at 100k
    papers this took 40% of a rebuild)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(content, output, **options)
    finally:
        if was_enabled:
            gc.enable()


def _build(content: Path, output: Path, *, theme: str | None = None, base_url: str | None = None,
           search: bool = True, jobs: int | None = None, incremental: bool = True,
           progress: Progress = _quiet) -> BuildResult:
    started = time.perf_counter()
    result = BuildResult()
    clock = _Stopwatch(result.timings)
    jobs = jobs or default_jobs()

    # up to date? (no input changed size or time since the last build, and the output is all there)
    options = (theme, base_url, search, str(output.resolve()))
    stamp, newest = inputs_stamp(content, find_themes_dir(content), options) if content.is_dir() else ("", 0)
    previous = read_up_to_date(content, output) if incremental else None
    existing = scan_output(output) if incremental and output.is_dir() else set()
    if previous and previous.get("inputs") == stamp and previous.get("outputs") == outputs_stamp(existing):
        cached: BuildResult = previous["result"]
        clock.lap("check")
        return replace(cached, rendered=0, removed=0, incremental=True, search_indexed=False,
                       timings=result.timings, seconds=time.perf_counter() - started)
    forget_up_to_date(content, output)
    cache = BuildCache.load(content, output)
    # the rendering stack is imported only now, so an up-to-date check stays fast
    from . import api, urls
    from .catalog import build_catalog
    from .content import load_site, record_hashes
    from .feeds import Feeds
    from .plan import Planner
    from .render import Renderer
    from .sitemap import robots_txt, sitemap_xml
    from .themes import fingerprint_assets, load_theme

    # load + validate + model (raises DigestError listing every problem)
    site, result.warnings = load_site(content, paper_cache=cache.papers, jobs=jobs, digest_cache=cache.digests)
    if base_url:
        site = replace(site, config=replace(site.config, base_url=base_url.rstrip("/") + "/"))
    if theme:
        site = replace(site, config=replace(site.config, theme=theme))
    check_output_target(output, content)
    chosen_theme = load_theme(site.config.theme, content)
    catalog = build_catalog(site)
    hashes = record_hashes(cache.papers)
    clock.lap("load")

    # plan every output file with the key of its inputs
    assets = fingerprint_assets(chosen_theme)
    renderer = Renderer(catalog, chosen_theme, assets)
    planner = Planner(catalog, renderer, assets, chosen_theme.fingerprint(), hashes)
    pages = planner.pages()
    feeds = planner.feeds(Feeds(catalog))
    outputs = [*pages,
               *feeds,
               *planner.api(lambda d: api.digest_file(catalog, d), lambda p: api.paper_file(catalog, p),
                            lambda: api.index_file(catalog)),
               *planner.assets(assets),
               planner.sitemap(pages, lambda: sitemap_xml(catalog)),
               *planner.files([(urls.ROBOTS, robots_txt(site.config.base_url))], "meta")]
    result.pages, result.feeds = len(pages), len(feeds)
    result.papers, result.digests = len(catalog.papers), len(site.digests)
    clock.lap("plan")

    changed = _changed(outputs, cache, output, existing) if incremental else None
    shards = catalog.search_shards
    if changed is not None and len(changed) <= FULL_REBUILD_SHARE * len(outputs):
        before = set(cache.manifest)
        _incremental_build(outputs, changed, shards, output, cache, jobs, search, result, clock, progress)
        removed = before - set(cache.manifest)
        # what is in output/ now, without walking it again: the search bundles are re-scanned
        existing = {p for p in existing if p not in removed and not p.startswith("pagefind/")}
        existing |= {item.path for item in changed}
        existing |= {"pagefind/" + name for name in scan_output(output / "pagefind")}
    else:
        _full_build(outputs, shards, output, cache, jobs, search, result, clock, progress)
        existing = scan_output(output)
    result.files = len(outputs)
    cache.save()
    result.seconds = time.perf_counter() - started
    if stamp and newest < time.time_ns() - RACY_NS:  # an input edited just now may change again unseen
        write_up_to_date(content, output, {"inputs": stamp, "outputs": outputs_stamp(existing), "result": result})
    return result


def _changed(outputs: list["Output"], cache: BuildCache, output: Path, existing: set[str]) -> list["Output"] | None:
    """The outputs to render, or None when the output folder cannot be trusted."""
    if not cache.manifest or not output.is_dir():
        return None
    manifest = cache.manifest
    return [item for item in outputs if manifest.get(item.path) != item.key or item.path not in existing]


def _render_to(staging: Path) -> Callable[["Output"], str]:
    def render(item: "Output") -> str:
        data = item.make()
        target = staging / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return item.path
    return render


def _render_all(items: list["Output"], staging: Path, jobs: int, progress: Progress) -> None:
    total = len(items)
    run_map(_render_to(staging), items, jobs, on_progress=lambda done: progress("render", done, total))
    progress("render", total, total)


def _shard_keys(outputs: list["Output"], shards: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Search shard -> a key of the pages it indexes."""
    keys = {item.path: item.key for item in outputs}
    out = {}
    for name, paper_ids in shards.items():
        h = hashlib.blake2b(digest_size=16)
        for pid in paper_ids:
            path = f"papers/{pid}/index.html"
            h.update(f"{path}\0{keys[path]}\n".encode())
        out[name] = h.hexdigest()
    return out


def _index_shards(site_dir: Path, names: list[str], shards: dict[str, tuple[str, ...]], progress: Progress) -> None:
    for done, name in enumerate(names, start=1):
        progress("search", done - 1, len(names))
        index_shard(site_dir, [f"papers/{pid}/index.html" for pid in shards[name]], site_dir / SHARD_ROOT / name)
    progress("search", len(names), len(names))


def _full_build(outputs: list["Output"], shards: dict[str, tuple[str, ...]], output: Path, cache: BuildCache,
                jobs: int, search: bool, result: BuildResult, clock: "_Stopwatch", progress: Progress) -> None:
    cache.forget_output()
    staging = StagingDir(output)
    try:
        _render_all(outputs, staging.path, jobs, progress)
        clock.lap("render")
        if search:
            _index_shards(staging.path, list(shards), shards, progress)
            clock.lap("search")
            result.search_indexed = True
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    cache.manifest = {item.path: item.key for item in outputs}
    cache.search_keys = _shard_keys(outputs, shards) if search else {}
    result.rendered = len(outputs)


def _incremental_build(outputs: list["Output"], changed: list["Output"], shards: dict[str, tuple[str, ...]],
                       output: Path, cache: BuildCache, jobs: int, search: bool, result: BuildResult,
                       clock: "_Stopwatch", progress: Progress) -> None:
    result.incremental = True
    keep = {item.path for item in outputs}
    removed = sorted(path for path in cache.manifest if path not in keep)
    if not changed and not removed:
        staging = None
    else:
        staging = StagingDir(output)
    try:
        if staging is not None:
            _render_all(changed, staging.path, jobs, progress)  # nothing in output/ is touched until all rendered
            clock.lap("render")
            cache.begin_applying()  # if applying stops half-way, the next build is a full one
        for item in changed:
            target = output / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging.path / item.path, target)  # type: ignore[union-attr]
        for path in removed:
            _remove(output, path)
    finally:
        if staging is not None:
            staging.discard()
    result.rendered, result.removed = len(changed), len(removed)
    root = output / SHARD_ROOT
    if search:
        keys = _shard_keys(outputs, shards)
        stale = [name for name in shards if cache.search_keys.get(name) != keys[name] or not (root / name).is_dir()]
        cache.search_keys = {}  # until the shards are rebuilt, trust none of them
        cache.save()
        if stale:
            _index_shards(output, stale, shards, progress)  # each shard is swapped in when it is complete
            clock.lap("search")
            result.search_indexed = True
        for gone in sorted(set(p.name for p in root.iterdir()) - set(shards)) if root.is_dir() else []:
            shutil.rmtree(root / gone)
        cache.search_keys = keys
    elif root.is_dir():
        shutil.rmtree(root)
        cache.search_keys = {}
    cache.manifest = {item.path: item.key for item in outputs}


def _remove(output: Path, path: str) -> None:
    target = output / path
    if target.is_file():
        target.unlink()
    parent = target.parent
    while parent != output and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


class _Stopwatch:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now
