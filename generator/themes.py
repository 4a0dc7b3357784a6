"""Themes: templates and static files, with `extends` chains and site overrides.

A theme is a folder `themes/NAME/` with `theme.yaml`, `templates/` and
`static/`. A theme that `extends: default` only holds what differs. A site
overrides single templates in `<content>/templates/` and adds or replaces
static files in `<content>/static/`. Any template can extend the same
template of a named theme as "default/digest.html" and override one block.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

from . import yamlio
from .diagnostics import DigestError

MAX_DEPTH = 8


@dataclass(frozen=True)
class Asset:
    """A static file and its fingerprinted output path."""

    source: Path
    path: str  # e.g. static/css/site.3f2a1b9c.css
    data: bytes


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]  # the theme folder first, then the ones it extends
    site_templates: Path | None
    site_static: Path | None

    def loader(self) -> "jinja2.BaseLoader":
        import jinja2
        folders = [str(p / "templates") for p in self.chain if (p / "templates").is_dir()]
        if self.site_templates is not None:
            folders.insert(0, str(self.site_templates))
        named = {p.name: jinja2.FileSystemLoader(str(p / "templates")) for p in self.chain}
        return jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.PrefixLoader(named)])

    def static_files(self) -> dict[str, Path]:
        """Relative path -> source file; the most specific folder wins."""
        files: dict[str, Path] = {}
        folders = [p / "static" for p in reversed(self.chain)]
        if self.site_static is not None:
            folders.append(self.site_static)
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files[path.relative_to(folder).as_posix()] = path
        return dict(sorted(files.items()))

    def fingerprint(self) -> str:
        """A hash of every template and static file (for caches keyed on the theme)."""
        h = hashlib.sha256()
        folders = [p / "templates" for p in self.chain] + [p / "static" for p in self.chain]
        folders += [f for f in (self.site_templates, self.site_static) if f is not None]
        for folder in folders:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
        return h.hexdigest()


def find_themes_dir(content: Path) -> Path:
    """themes/ beside the content folder, else the one shipped with the project."""
    beside = content.resolve().parent / "themes"
    if beside.is_dir():
        return beside
    return Path(__file__).resolve().parent.parent / "themes"


def load_theme(name: str, content: Path, themes_dir: Path | None = None) -> Theme:
    themes_dir = themes_dir or find_themes_dir(content)
    chain: list[Path] = []
    current: str | None = name
    while current:
        folder = themes_dir / current
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", current) or not folder.is_dir():
            known = sorted(p.name for p in themes_dir.iterdir() if p.is_dir()) if themes_dir.is_dir() else []
            raise DigestError.single(str(themes_dir / current), f"theme '{current}' not found",
                                     "available themes: " + (", ".join(known) or "none"))
        if folder in chain or len(chain) >= MAX_DEPTH:
            raise DigestError.single(str(folder / "theme.yaml"), f"theme '{current}' extends itself in a loop")
        chain.append(folder)
        current = None
        meta_path = folder / "theme.yaml"
        if meta_path.is_file():
            meta, _ = yamlio.load_file(meta_path)
            if meta is not None and not isinstance(meta, dict):
                raise DigestError.single(str(meta_path), "theme.yaml must be a mapping", "", 1, 1)
            parent = (meta or {}).get("extends")
            if parent is not None and not isinstance(parent, str):
                raise DigestError.single(str(meta_path), "'extends' must be a theme name", "", 1, 1)
            current = parent
    site_templates = content / "templates"
    site_static = content / "static"
    return Theme(name=name, chain=tuple(chain),
                 site_templates=site_templates if site_templates.is_dir() else None,
                 site_static=site_static if site_static.is_dir() else None)


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

    for rel, path in sources.items():
        if not rel.endswith(".css"):
            data = path.read_bytes()
            assets[rel] = Asset(path, hashed(rel, data), data)
    for rel, path in sources.items():
        if rel.endswith(".css"):
            text = path.read_text(encoding="utf-8")
            folder = rel.rpartition("/")[0]

            def swap(match: re.Match[str]) -> str:
                target = match.group(2)
                if re.match(r"^[a-z]+:|^/|^#", target):
                    return match.group(0)
                resolved = _join(folder, target)
                if resolved in assets:
                    return f"url({_relative_between(rel, assets[resolved].path)})"
                return match.group(0)

            data = _CSS_URL.sub(swap, text).encode("utf-8")
            assets[rel] = Asset(path, hashed(rel, data), data)
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
