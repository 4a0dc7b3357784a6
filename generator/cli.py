"""The `digest` command. The only place that prints and picks exit codes."""
from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from . import __version__
from .diagnostics import Diagnostic, DigestError, format_json

CONTENT_OPTION = click.option("--content", "content", default="content", show_default=True,
                              type=click.Path(file_okay=False, path_type=Path),
                              help="The content folder.")


def _print_diagnostics(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(format_json(diagnostics))
        return
    for d in diagnostics:
        line = d.format_github() if fmt == "github" else d.format_text()
        if fmt == "text" and sys.stderr.isatty():
            color = "red" if d.is_error else "yellow"
            line = line.replace(f": {d.severity}: ", ": " + click.style(d.severity, fg=color, bold=True) + ": ", 1)
        click.echo(line, err=fmt == "text")


def _fail(exc: DigestError, fmt: str = "text") -> None:
    _print_diagnostics(exc.diagnostics, fmt)
    errors = sum(1 for d in exc.diagnostics if d.is_error)
    if fmt == "text":
        click.echo(f"{errors} error{'s' if errors != 1 else ''} found; nothing was written.", err=True)
    sys.exit(1)


def site_today(content: Path) -> date:
    """Today in the site's time zone (used by import and new, never by build)."""
    tz = "UTC"
    try:
        import yaml
        data = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("timezone"), str):
            ZoneInfo(data["timezone"])
            tz = data["timezone"]
    except Exception:  # a broken site.yaml is reported by check; today falls back to UTC
        pass
    return datetime.now(ZoneInfo(tz)).date()


def _print_record_changes(changed: dict[str, list[str]], kept: dict[str, list[str]]) -> None:
    for record_id, changes in sorted(changed.items()):
        click.echo(f"  updated {record_id}: " + "; ".join(changes))
    for record_id, notes in sorted(kept.items()):
        click.echo(f"  kept {record_id}: " + "; ".join(notes))


def _print_diffs(written: list[str], diffs: dict[str, str]) -> None:
    for path in written:
        click.echo(f"  would write {path}")
        click.echo(diffs.get(path, ""), nl=False)


def _curator_id(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--curator is written into a digest file: only a valid curator id may get there."""
    from .content.validate import SLUG
    if value is not None and not SLUG.fullmatch(value):
        raise click.BadParameter(f"'{value[:40]!r}' is not a curator id (lowercase letters, digits and '-')")
    return value


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digest")
def main() -> None:
    """digest: build curated research-paper digests into a static site with feeds."""


@main.command()
@CONTENT_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "github", "json"]), default="text", show_default=True,
              help="github prints GitHub Actions annotations.")
def check(content: Path, fmt: str) -> None:
    """Validate the content folder; write nothing."""
    from .content.loader import load_site
    try:
        site, warnings = load_site(content)
    except DigestError as exc:
        _fail(exc, fmt)
        return
    _print_diagnostics(warnings, fmt)
    if fmt == "json" and not warnings:
        return
    if fmt == "text":
        click.echo(f"ok: {len(site.digests)} digests, {len(site.papers)} papers, {len(site.curators)} curators, "
                   f"{len(site.pages)} pages" + (f", {len(warnings)} warnings" if warnings else ""), err=True)


@main.command(name="import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(["hf-page", "hf-api", "arxiv"]))
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@CONTENT_OPTION
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The digest day (default: from the source).")
@click.option("--curator", metavar="ID", callback=_curator_id,
              help="Curator of newly created digests (default: the first one).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_(fmt: str, sources: tuple[str, ...], content: Path, day: str | None, curator: str | None,
            dry_run: bool) -> None:
    """Import papers from FORMAT sources (files or http(s) URLs) into the content folder.

    \b
    hf-page  a Hugging Face Daily Papers page saved as text
    hf-api   JSON of huggingface.co/api/daily_papers
    arxiv    an arXiv API Atom response
    """
    from .importers.run import run_import
    try:
        result, warnings = run_import(fmt, list(sources), content, site_today(content), _parse_day(day), curator,
                                      dry_run=dry_run)
    except DigestError as exc:
        _fail(exc)
        return
    _print_diagnostics(warnings)
    _print_record_changes(result.changed, result.kept)
    for path in result.digests_created:
        click.echo(f"  created {path}")
    for path, added in sorted(result.digests_extended.items()):
        click.echo(f"  extended {path} with {len(added)} papers" + (": " + ", ".join(added) if dry_run else ""))
    for path, removed in sorted(result.removed_by_curator.items()):
        click.echo(f"  kept out of {path}: {len(removed)} papers its curator removed"
                   + (": " + ", ".join(removed) if dry_run else ""))
    if dry_run:
        _print_diffs(result.written, result.diffs)
    verb = "would import" if dry_run else "imported"
    total = len(result.added) + len(result.changed) + len(result.unchanged)
    click.echo(f"{verb} {total} papers: {len(result.added)} new, {len(result.changed)} updated, "
               f"{len(result.unchanged)} unchanged; {len(result.written)} files "
               f"{'to write' if dry_run else 'written'}")


@main.command()
@CONTENT_OPTION
@click.option("--api", default="https://export.arxiv.org/api/query", show_default=True, metavar="URL",
              help="The arXiv API (or a mirror).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--limit", type=click.IntRange(1), metavar="N", help="Look up at most N records this run.")
@click.option("--cache", "cache", type=click.Path(file_okay=False, path_type=Path),
              help="Where API answers are cached (default: .digest-cache/arxiv next to the content folder).")
@click.option("--interval", type=click.FloatRange(0), default=3.0, show_default=True,
              help="Seconds between requests (arXiv asks for 3).")
def resolve(content: Path, api: str, dry_run: bool, limit: int | None, cache: Path | None, interval: float) -> None:
    """Find the arXiv id of records without one, by exact title, and fill in
    the id, authors, arXiv/PDF/Hugging Face links and dates.

    Only a single entry with the same title is accepted; no match, two
    candidates, or an id another record has are reported, never guessed.
    Record ids never change."""
    from .importers.resolve import ArxivClient, default_cache, run_resolve

    def progress(done: int, total: int, record_id: str) -> None:
        click.echo(f"resolve: {done}/{total} {record_id}", err=True)

    try:
        client = ArxivClient(api=api, cache_dir=cache or default_cache(content), min_interval=interval)
        run = run_resolve(content, client, dry_run=dry_run, limit=limit, progress=progress)
    except DigestError as exc:
        _fail(exc)
        return
    found = run.found
    _print_diagnostics(found.warnings)
    for record_id, candidate in sorted(found.matched.items()):
        click.echo(f"  matched {record_id}: arXiv {candidate.arxiv}")
    _print_record_changes(run.changed, run.kept)
    for record_id in found.unmatched:
        click.echo(f"  no match {record_id}: no arXiv entry has this exact title")
    for record_id, arxiv_ids in sorted(found.ambiguous.items()):
        click.echo(f"  ambiguous {record_id}: {', '.join(arxiv_ids)} all have this title; not filled in")
    for record_id, arxiv_id in sorted(found.duplicates.items()):
        click.echo(f"  duplicate {record_id}: arXiv {arxiv_id} matches another record too; not filled in")
    for record_id, why in sorted(found.failed.items()):
        click.echo(f"  failed {record_id}: {why}")
    if dry_run:
        _print_diffs(run.written, run.diffs)
    looked = sum(map(len, (found.matched, found.unmatched, found.ambiguous, found.duplicates, found.failed)))
    click.echo(f"{'would resolve' if dry_run else 'resolved'} {len(found.matched)} of {looked} records without an "
               f"arXiv id: {len(found.unmatched)} unmatched, {len(found.ambiguous)} ambiguous, "
               f"{len(found.duplicates)} duplicates, {len(found.failed)} failed; {len(run.written)} files "
               f"{'to write' if dry_run else 'written'}")


@main.command()
@click.argument("kind", type=click.Choice(["digest", "curators", "site", "paper"]), required=False)
@click.option("--write", "write_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write all schemas as KIND.schema.json into this folder instead of printing.")
def schema(kind: str | None, write_dir: Path | None) -> None:
    """Print the JSON Schema of a content file kind (for editors and CI)."""
    from .content.schema import render_json_schemas
    schemas = render_json_schemas()
    if write_dir is not None:
        write_dir.mkdir(parents=True, exist_ok=True)
        for name, text in schemas.items():
            (write_dir / f"{name}.schema.json").write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(schemas)} schemas to {write_dir}", err=True)
        return
    click.echo(schemas[kind or "digest"], nl=False)


class _TerminalProgress:
    """One self-overwriting status line on a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.active = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.active:
            click.echo(f"\r\033[K{stage}: {done:,}/{total:,}", err=True, nl=False)

    def clear(self) -> None:
        if self.active:
            click.echo("\r\033[K", err=True, nl=False)


@main.command()
@CONTENT_OPTION
@click.option("--output", "output", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the site is written.")
@click.option("--theme", help="Theme name under themes/ (default: from site.yaml).")
@click.option("--base-url", help="Override base_url from site.yaml (e.g. for a preview).")
@click.option("--no-search", is_flag=True, help="Skip the search index (faster previews).")
@click.option("--jobs", type=click.IntRange(1, 256), help="Processes to render with (default: all cores).")
@click.option("--full", is_flag=True, help="Ignore the previous build and render everything.")
@click.option("--timings", is_flag=True, help="Print how long each stage took.")
def build(content: Path, output: Path, theme: str | None, base_url: str | None, no_search: bool, jobs: int | None,
          full: bool, timings: bool) -> None:
    """Validate the content and build the site into OUTPUT.

    Nothing in OUTPUT changes unless the whole build succeeds. Rebuilds render
    only the files whose inputs changed."""
    from .build import build as run_build
    progress = _TerminalProgress()
    try:
        result = run_build(content, output, theme=theme, base_url=base_url, search=not no_search, jobs=jobs,
                           incremental=not full, progress=progress)
    except DigestError as exc:
        progress.clear()
        _print_diagnostics(exc.diagnostics)
        errors = sum(1 for d in exc.diagnostics if d.is_error)
        click.echo(f"{errors} error{'s' if errors != 1 else ''} found; {output} was left as it was.", err=True)
        sys.exit(1)
    progress.clear()
    _print_diagnostics(result.warnings)
    if timings:
        click.echo("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()), err=True)
    written = (f"; {result.rendered:,} of {result.files:,} files changed" if result.incremental else "")
    click.echo(f"built {result.pages:,} pages ({result.papers:,} papers, {result.digests:,} digests), "
               f"{result.feeds:,} feeds into {output} in {result.seconds:.2f} s{written}")


@main.command()
@CONTENT_OPTION
@click.option("--output", "output", default="output", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the site is written.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--theme", help="Theme name under themes/ (default: from site.yaml).")
def serve(content: Path, output: Path, port: int, theme: str | None) -> None:
    """Build, serve on 127.0.0.1, rebuild on every change and reload open pages."""
    from .serve import DevServer
    try:
        server = DevServer(content, output, port, theme=theme, report=lambda text: click.echo(text, err=True))
    except OSError as exc:
        click.echo(f"error: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} "
                   f"(hint: pass --port 0 for a free port)", err=True)
        sys.exit(1)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@main.command()
@click.argument("day", metavar="[DATE]", required=False)
@CONTENT_OPTION
@click.option("--curator", metavar="ID", callback=_curator_id, help="Curator of the digest (default: the first one).")
def new(day: str | None, content: Path, curator: str | None) -> None:
    """Create content/digests/DATE.yaml from a template (today in the site's time zone by default)."""
    from .content.files import display_path, write_text_atomic
    from .importers.curator_files import new_digest_text, offered_path, offered_text
    from .importers.store import _default_curator
    chosen = _parse_day(day) or site_today(content)
    path = content / "digests" / f"{chosen.isoformat()}.yaml"
    if path.exists():
        click.echo(f"{display_path(path)}: error: a digest for {chosen.isoformat()} already exists "
                   f"(hint: edit it, or pick another date)", err=True)
        sys.exit(1)
    try:
        who = _default_curator(content, curator)
    except DigestError as exc:
        _fail(exc)
        return
    text = new_digest_text(chosen, who, [], title=f"Papers for {chosen.isoformat()}")
    text = text.replace('intro: ""', "intro: |\n  One or two sentences on what connects today's papers.")
    write_text_atomic(path, text)
    write_text_atomic(offered_path(content, chosen), offered_text([]))  # nothing offered yet: imports may add any paper
    click.echo(f"created {display_path(path)}; add papers with 'digest import' or '- paper: ID' lines")
