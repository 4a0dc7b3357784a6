"""`digest build`: the whole pipeline, top to bottom.

load -> validate -> model -> plan (pages, feeds, JSON, static, sitemap) ->
search index ->
write what changed -> swap into place. Output depends on
content only: no clock, locale, time zone or unsorted iteration reaches it.
"""
from __future__ import annotations

import time
from dataclasses import asdict, replace
from pathlib import Path

from ..content import schema
from ..content.loader import load_site
from ..content.model import Site
from ..content.validate import validate
from ..diagnostics import WARNING, Diagnostic, DigestError
from ..site import related
from ..site.catalog import build_catalog
from ..site.search import ROOT as SEARCH_ROOT
from ..site.themes import fingerprint_assets, load_theme
from .cache import BuildCache
from .options import BuildOptions, BuildResult, Session
from .plan import Plan
from .stamp import Check
from .workers import mapper
from .writer import Progress, SiteWriter


def run(content: Path, output: Path, options: BuildOptions, found: Check, progress: Progress,
        session: Session) -> BuildResult:
    """The build, once `found` (the up-to-date check, build/stamp.py) says there is work."""
    started, result = time.perf_counter(), BuildResult()
    lap = _Stopwatch(result.timings)
    folder, cache_folder, stamp = found.folder, found.cache_folder, found.stamp
    stamp.forget()
    cache = _cache(session, cache_folder, options)
    if cache.tree != folder.tree_id():
        cache.forget_output()  # the manifest does not describe the tree in place

    site, result.warnings = load_site(content, cache.content, mapper(options.jobs))  # load, validate, model
    site = _with_options(site, options)
    theme = load_theme(site.config.theme, content)
    assets = fingerprint_assets(theme)
    related.remember(*cache.related)
    catalog = build_catalog(site)
    lap("load")

    plan = Plan(catalog, theme, assets)
    for _, record_hash, paper in cache.content.records.values():
        plan.fingerprint.know(paper, record_hash)  # a record's Paper is a function of its file's bytes
    outputs = plan.outputs()  # pages, feeds, JSON API, static files, sitemap
    lap("plan")
    if options.search:  # the index files are ordinary outputs, made from per-paper records
        index, cache.search_terms = plan.search(cache.search_terms, options.jobs)
        outputs += index
        result.search_indexed = True
        lap("search")
    elif options.search_later:
        outputs += plan.kept(cache.manifest, SEARCH_ROOT, folder.path)

    writer = SiteWriter(folder, cache.manifest, options.jobs, progress, cache.spare_tree, cache.spare_manifest)
    try:
        manifest = writer.write(outputs)  # renders what changed, links the rest; every file's key
        lap("render")
        tree = plan.fingerprint(manifest)
        writer.commit(tree)  # the atomic swap
    except BaseException:
        writer.discard()
        raise
    lap("swap")

    result.pages = sum(1 for o in outputs if o.kind == "page")
    result.feeds = sum(1 for o in outputs if o.kind == "feed")
    result.papers, result.digests, result.files = len(catalog.papers), len(site.digests), len(outputs)
    result.rendered, result.incremental = writer.rendered, bool(cache.manifest)
    result.removed = len(set(cache.manifest) - set(manifest))
    # the tree that was the output is now the spare, described by the manifest it was built with
    cache.spare_tree, cache.spare_manifest = (cache.tree, cache.manifest) if cache.tree else ("", {})
    cache.tree, cache.manifest = tree, manifest
    cache.related = related.remembered()
    session.cache = cache
    try:
        cache.save()
        stamp.write(found.inputs, found.newest, time.time_ns(), tree, folder.path,
                    {k: v for k, v in asdict(result).items() if k not in ("warnings", "timings")})
    except OSError as exc:
        result.warnings.append(Diagnostic(str(cache_folder), 0, 0, f"could not save the build cache: "
                                          f"{exc.strerror or exc}", "the next build will be a full one", WARNING))
    result.seconds = time.perf_counter() - started
    return result


def _cache(session: Session, folder: Path, options: BuildOptions) -> BuildCache:
    if not options.incremental:
        return BuildCache(folder)
    if session.cache is not None and session.cache.folder == folder:
        return session.cache  # as this process left it; the tree check below still applies
    return BuildCache.load(folder)


def _with_options(site: Site, options: BuildOptions) -> Site:
    config = site.config
    if options.base_url is not None:
        problems = validate(options.base_url, schema.SITE.fields["base_url"], ("--base-url",))
        if problems:
            raise DigestError.single("--base-url", problems[0].message, problems[0].hint)
        config = replace(config, base_url=options.base_url.rstrip("/") + "/")
    if options.theme:
        config = replace(config, theme=options.theme)
    return replace(site, config=config)


class _Stopwatch:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now
