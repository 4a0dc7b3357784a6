"""`digest build`: the whole pipeline, top to bottom.

load -> validate -> model -> plan (pages, feeds, JSON, static, sitemap) ->
search index ->
write what changed -> swap into place. Output depends on
content only: no clock, locale, time zone or unsorted iteration reaches it.
"""
from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..content import schema
from ..content.loader import load_site
from ..content.model import Site
from ..content.validate import validate
from ..diagnostics import WARNING, Diagnostic, DigestError
from ..site import related
from ..site.catalog import build_catalog
from ..site.search import ROOT as SEARCH_ROOT
from ..site.themes import fingerprint_assets, load_theme, theme_dirs
from .cache import BuildCache, cache_dir
from .output import OutputFolder
from .plan import Plan
from .stamp import UpToDate, inputs_stamp, output_names, outputs_stamp
from .workers import default_jobs, mapper
from .writer import Progress, SiteWriter


@dataclass(frozen=True)
class BuildOptions:
    theme: str | None = None  # instead of site.yaml's
    base_url: str | None = None  # instead of site.yaml's, e.g. for a preview
    search: bool = True
    search_later: bool = False  # no new index: keep the one in place (digest serve's first pass)
    jobs: int = 0  # 0: all cores
    incremental: bool = True  # False: ignore every cache and render everything


@dataclass
class BuildResult:
    pages: int = 0
    papers: int = 0
    digests: int = 0
    feeds: int = 0
    files: int = 0
    rendered: int = 0  # files this build rendered (the rest were unchanged and linked)
    removed: int = 0
    incremental: bool = False
    search_indexed: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)


def _quiet(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Session:
    """What one process keeps between its builds (digest serve): the cache, so a
    rebuild does not read it back from disk."""

    cache: BuildCache | None = None


def build(content: Path, output: Path, *, theme: str | None = None, base_url: str | None = None,
          search: bool = True, search_later: bool = False, jobs: int | None = None, incremental: bool = True,
          progress: Progress = _quiet, session: Session | None = None) -> BuildResult:
    """Build the site from `content` into `output`; raise DigestError and leave
    `output` as it was on any problem."""
    options = BuildOptions(theme, base_url, search and not search_later, search_later, jobs or default_jobs(),
                           incremental)
    with _gc_paused():
        return run(content, output, options, progress, session or Session())


def run(content: Path, output: Path, options: BuildOptions, progress: Progress = _quiet,
        session: Session | None = None) -> BuildResult:
    session = session or Session()
    started, result = time.perf_counter(), BuildResult()
    lap = _Stopwatch(result.timings)
    folder = OutputFolder(output, content)  # refuses folders digest did not make
    cache_folder = cache_dir(content, output)
    stamp = UpToDate(cache_folder)
    inputs, newest = inputs_stamp([content, *theme_dirs(content)], _stamp_options(options, folder))
    if options.incremental and (done := _up_to_date(stamp, inputs, folder)) is not None:
        lap("check")
        return replace(done, incremental=True, timings=result.timings, seconds=time.perf_counter() - started)
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
        writer.write(outputs)  # renders what changed, links the rest
        lap("render")
        manifest = {o.path: o.key for o in outputs}
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
        stamp.write(inputs, newest, time.time_ns(), tree, outputs_stamp(output_names(folder.path)),
                    {k: v for k, v in asdict(result).items() if k not in ("warnings", "timings")})
    except OSError as exc:
        result.warnings.append(Diagnostic(str(cache_folder), 0, 0, f"could not save the build cache: "
                                          f"{exc.strerror or exc}", "the next build will be a full one", WARNING))
    result.seconds = time.perf_counter() - started
    return result


def _stamp_options(options: BuildOptions, folder: OutputFolder) -> tuple[object, ...]:
    return (options.theme, options.base_url, options.search, options.search_later, str(folder.path))


def _cache(session: Session, folder: Path, options: BuildOptions) -> BuildCache:
    if not options.incremental:
        return BuildCache(folder)
    if session.cache is not None and session.cache.folder == folder:
        return session.cache  # as this process left it; the tree check below still applies
    return BuildCache.load(folder)


def _up_to_date(stamp: UpToDate, inputs: str, folder: OutputFolder) -> BuildResult | None:
    previous = stamp.read()
    if not previous or previous.get("inputs") != inputs:
        return None
    if previous.get("tree") != folder.tree_id() or previous.get("outputs") != outputs_stamp(output_names(folder.path)):
        return None
    try:
        return BuildResult(**{**previous["result"], "rendered": 0, "removed": 0, "search_indexed": False})
    except TypeError:
        return None


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A build holds millions of long-lived, acyclic objects that each cyclic
    collection would walk again (at 100k papers this took 40% of a rebuild)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Stopwatch:
    def __init__(self, timings: dict[str, float]):
        self.timings = timings
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now
