"""Themes: templates and static files, with `extends` chains and site overrides.

A theme is a folder `themes/NAME/` with `theme.yaml`, `templates/` and
`static/`. A theme that `extends: default` only holds what differs. A site
overrides single templates in `<content>/templates/` and adds or replaces
static files in `<content>/static/`. Any template can extend the same
template of a named theme as "default/digest.html" and override one block.

Themes are looked for in `themes/` beside the content folder, then among the
themes shipped inside the installed package.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..content import files, yamlio
from ..diagnostics import DigestError

MAX_DEPTH = 8
THEME_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Asset:
    """A static file and its fingerprinted output path."""

    source: str
    path: str  # e.g. static/css/site.3f2a1b9c.css
    data: bytes


@dataclass(frozen=True)
class Folder:
    """A folder of templates or static files, and the folder its files must stay inside."""

    path: Path
    root: Path


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]  # the theme folder first, then the ones it extends
    site_templates: Folder | None
    site_static: Folder | None

    def template_folders(self) -> list[Folder]:
        """Most specific first: the site's overrides, then the theme chain."""
        found = [Folder(p / "templates", p) for p in self.chain if (p / "templates").is_dir()]
        return ([self.site_templates] if self.site_templates else []) + found

    def named_template_folders(self) -> dict[str, Folder]:
        """'default' -> default's templates, for `{% extends "default/base.html" %}`."""
        return {p.name: Folder(p / "templates", p) for p in self.chain}

    def static_files(self) -> dict[str, tuple[Path, Path]]:
        """Relative path -> (source file, its root); the most specific folder wins."""
        out: dict[str, tuple[Path, Path]] = {}
        folders = [Folder(p / "static", p) for p in reversed(self.chain)]
        if self.site_static is not None:
            folders.append(self.site_static)
        for folder in folders:
            for name in files.list_files(folder.path, ("",)) if folder.path.is_dir() else []:
                out[Path(name).relative_to(folder.path).as_posix()] = (Path(name), folder.root)
        return dict(sorted(out.items()))


def shipped_themes() -> Path:
    """The themes that come with digest: inside the installed package, or in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


def theme_dirs(content: Path) -> list[Path]:
    """Where themes are looked for: beside the content folder, then the shipped ones."""
    beside = content.resolve().parent / "themes"
    shipped = shipped_themes()
    return [d for d in dict.fromkeys([beside, shipped]) if d.is_dir()]


def load_theme(name: str, content: Path) -> Theme:
    dirs = theme_dirs(content)
    chain: list[Path] = []
    current: str | None = name
    while current:
        folder = next((d / current for d in dirs if THEME_NAME.fullmatch(current) and (d / current).is_dir()), None)
        if folder is None:
            known = sorted({p.name for d in dirs for p in d.iterdir() if p.is_dir()})
            raise DigestError.single(files.display_path(dirs[0] / current if dirs else current),
                                     f"theme '{current}' not found",
                                     "available themes: " + (", ".join(known) or "none"))
        if folder in chain or len(chain) >= MAX_DEPTH:
            raise DigestError.single(files.display_path(folder / "theme.yaml"),
                                     f"theme '{current}' extends itself in a loop")
        chain.append(folder)
        current = _parent(folder)
    site_templates, site_static = content / "templates", content / "static"
    return Theme(name=name, chain=tuple(chain),
                 site_templates=Folder(site_templates, content) if site_templates.is_dir() else None,
                 site_static=Folder(site_static, content) if site_static.is_dir() else None)


def _parent(folder: Path) -> str | None:
    meta_path = folder / "theme.yaml"
    if not meta_path.exists():
        return None
    meta, _ = yamlio.load_file(meta_path, root=folder)
    shown = files.display_path(meta_path)
    if meta is not None and not isinstance(meta, dict):
        raise DigestError.single(shown, "theme.yaml must be a mapping", "", 1, 1)
    parent = (meta or {}).get("extends")
    if parent is not None and not isinstance(parent, str):
        raise DigestError.single(shown, "'extends' must be a theme name", "", 1, 1)
    return parent


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def fingerprint_assets(theme: Theme) -> dict[str, Asset]:
    """Logical static path (e.g. 'css/site.css') -> Asset with a content hash in its name.

    CSS files are rewritten to point at the fingerprinted names of what they reference."""
    sources = theme.static_files()
    assets: dict[str, Asset] = {}

    def hashed(rel: str, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        return f"static/{stem}.{digest}.{ext}" if dot else f"static/{rel}.{digest}"

    for rel, (path, root) in sources.items():
        if not rel.endswith(".css"):
            data = files.read_bytes(path, root, limit=20_000_000)
            assets[rel] = Asset(files.display_path(path), hashed(rel, data), data)
    for rel, (path, root) in sources.items():
        if rel.endswith(".css"):
            text = files.read_text(path, root)
            folder = rel.rpartition("/")[0]

            def swap(match: re.Match[str], folder: str = folder, rel: str = rel) -> str:
                target = match.group(2)
                if re.match(r"^[a-z]+:|^/|^#", target):
                    return match.group(0)
                resolved = _join(folder, target)
                if resolved in assets:
                    return f"url({_relative_between(rel, assets[resolved].path)})"
                return match.group(0)

            data = _CSS_URL.sub(swap, text).encode("utf-8")
            assets[rel] = Asset(files.display_path(path), hashed(rel, data), data)
    return dict(sorted(assets.items()))


def _join(folder: str, target: str) -> str:
    parts = [p for p in (folder.split("/") if folder else [])]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _relative_between(css_rel: str, asset_path: str) -> str:
    depth = ("static/" + css_rel).count("/")
    return "../" * depth + asset_path

