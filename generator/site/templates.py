"""The template environment: sandboxed, reading only files inside their theme
or content folder, and able to say what each template depends on.

Templates come from forks in pull requests, so they render in Jinja's
ImmutableSandboxedEnvironment: no attribute starting with '_', no
modification of data, no access to Python internals.

`TemplateSet.dependencies(name)` is how incremental builds stay correct by
construction: a page's key covers the source of every template its template
can reach (extends, include, import), and tells whether any of them reads
the whole-site `catalog` global, in which case the page depends on all
content.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, MutableMapping, MutableSequence, MutableSet
from dataclasses import dataclass
from pathlib import Path
from types import BuiltinMethodType, FunctionType, MethodType, SimpleNamespace, TracebackType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..content import files
from ..diagnostics import DigestError
from .themes import Folder, Theme

WHOLE_SITE_GLOBALS = frozenset({"catalog"})  # globals that make a page depend on all content


class ThemeLoader(jinja2.BaseLoader):
    """Templates by name from the most specific folder; 'default/x.html' from one theme."""

    def __init__(self, theme: Theme):
        self.folders = theme.template_folders()
        self.named = theme.named_template_folders()

    def _find(self, template: str) -> tuple[Path, Folder] | None:
        pieces = split_template_path(template)  # refuses '..'
        candidates = [(folder.path.joinpath(*pieces), folder) for folder in self.folders]
        if len(pieces) > 1 and pieces[0] in self.named:
            named = self.named[pieces[0]]
            candidates.append((named.path.joinpath(*pieces[1:]), named))
        return next(((path, folder) for path, folder in candidates if path.exists()), None)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        found = self._find(template)
        if found is None:
            raise jinja2.TemplateNotFound(template)
        path, folder = found
        return files.read_text(path, folder.root), str(path), lambda: True

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for folder in self.folders:
            names.update(Path(n).relative_to(folder.path).as_posix() for n in files.list_files(folder.path, (".html",)))
        for prefix, folder in self.named.items():
            if folder.path.is_dir():
                names.update(f"{prefix}/" + Path(n).relative_to(folder.path).as_posix()
                             for n in files.list_files(folder.path, (".html",)))
        return sorted(names)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, made cheap for the data pages are made of.

    Jinja checks every attribute a template reads: is the name safe, is the
    value a str.format method to wrap. The check looks at the object's type
    and the name only, so it is remembered per (type, name). A field of a
    frozen dataclass (papers, digests, summaries) holds plain data, which the
    build's fingerprinter refuses anything else as, so reading one skips the
    check: these reads were a quarter of the rendering time."""

    def __init__(self, **options: Any):
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}
        self._fields: dict[type, frozenset[str]] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, type):  # a class, e.g. the `dict` global: never cached, as every class is a `type`
            # Jinja refuses `d.update` but not `dict.update(d, ...)`, which would change any dict a
            # template reaches (the catalog's) under every page rendered after it
            return not issubclass(obj, _MUTABLE) and super().is_safe_attribute(obj, attr, value)
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        fields = self._fields.get(kind)
        if fields is None:
            fields = self._fields[kind] = _data_fields(kind)
        if attribute in fields:
            return getattr(obj, attribute)
        if kind is SimpleNamespace and attribute[:1] != "_" and attribute in obj.__dict__:
            return obj.__dict__[attribute]  # `urls`: a name's value, as a dict's item would be
        return super().getattr(obj, attribute)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A plain function or method, one with no attributes (so neither marked unsafe nor
        asking for the context), or a built-in method other than str.format that getattr has
        let through, is called directly: the checks Jinja makes on every call were a sixth of
        the rendering time. Anything else takes Jinja's way."""
        kind = type(__obj)
        if kind is MethodType:
            plain = type(__obj.__func__) is FunctionType and not __obj.__func__.__dict__
        elif kind is FunctionType:
            plain = not __obj.__dict__
        else:
            plain = kind is BuiltinMethodType and __obj.__name__ not in _FORMAT_METHODS
        if plain:
            # Jinja passes these to every call in a loop or a block, for context functions only
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja's own call
                return __context.environment.undefined("value was undefined because a callable raised a"
                                                       " StopIteration exception")
        return super().call(__context, __obj, *args, **kwargs)


_FORMAT_METHODS = frozenset({"format", "format_map"})
_MUTABLE = (MutableMapping, MutableSequence, MutableSet)  # dict, list, set, deque, bytearray and their kin


def _data_fields(kind: type) -> frozenset[str]:
    """The public fields of a frozen dataclass: data, safe to read."""
    params = getattr(kind, "__dataclass_params__", None)
    if params is None or not params.frozen:
        return frozenset()
    return frozenset(f.name for f in dataclasses.fields(kind) if not f.name.startswith("_"))


@dataclass(frozen=True)
class Dependencies:
    fingerprint: str  # of the source of every template reachable from the page's template
    whole_site: bool  # reads a global that covers all content


class TemplateSet:
    def __init__(self, theme: Theme, filters: dict[str, Callable[..., Any]], globals_: dict[str, Any]):
        self.env = Sandbox(
            loader=ThemeLoader(theme), autoescape=True, trim_blocks=True, lstrip_blocks=True,
            undefined=jinja2.StrictUndefined, auto_reload=False, cache_size=-1)
        self.env.filters.update(filters)
        self.env.globals.update(globals_)
        self.site_folder = str(theme.site_templates.path) + "/" if theme.site_templates else ""
        self._deps: dict[str, Dependencies] = {}
        self._parsed: dict[str, tuple[str, set[str], set[str | None]]] = {}

    def _parse(self, name: str) -> tuple[str, set[str], set[str | None]]:
        """(source hash, names it reads, referenced template names) of one template. Every name
        read counts, even one the template sets itself: safe, and globals are rarely shadowed."""
        if name not in self._parsed:
            try:
                source, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
                ast = self.env.parse(source, name, filename)
            except jinja2.TemplateError as exc:
                raise template_error(exc) from None
            self._parsed[name] = (hashlib.blake2b(f"{name}\0{source}".encode(), digest_size=16).hexdigest(),
                                  {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"},
                                  set(meta.find_referenced_templates(ast)))
        return self._parsed[name]

    def dependencies(self, name: str) -> Dependencies:
        if name not in self._deps:
            seen: set[str] = set()
            todo: list[tuple[str, str]] = [(name, "")]
            while todo:
                current, parent = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                try:
                    refs = self._parse(current)[2]
                except DigestError:
                    if parent and self._find(current) is None:
                        raise self._missing(current, parent) from None
                    raise
                if None in refs:  # a name computed at render time: assume any template
                    todo.extend((t, current) for t in self.env.list_templates())
                todo.extend((r, current) for r in refs if r is not None)
            parts = sorted(self._parse(n)[0] for n in seen)
            variables = set().union(*(self._parse(n)[1] for n in seen))
            self._deps[name] = Dependencies(hashlib.blake2b("".join(parts).encode(), digest_size=16).hexdigest(),
                                            bool(variables & WHOLE_SITE_GLOBALS))
        return self._deps[name]

    def _find(self, name: str) -> Any:
        return self.env.loader._find(name)  # type: ignore[union-attr]

    def _missing(self, name: str, parent: str) -> DigestError:
        """A template that names one that does not exist, at the line that names it."""
        source, filename, _ = self.env.loader.get_source(self.env, parent)  # type: ignore[union-attr]
        line = next((i for i, text in enumerate(source.splitlines(), 1) if name in text), 1)
        return DigestError.single(files.display_path(filename or parent), f"template '{name}' not found",
                                  "check the name in "
                                  "{% extends %} / {% include %}, or add the template to content/templates/", line, 1)

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except (jinja2.TemplateError, RecursionError, TypeError, ValueError, AttributeError, KeyError,
                ZeroDivisionError, OverflowError) as exc:
            raise template_error(exc, name, self.site_folder) from None


def template_error(exc: BaseException, rendering: str = "", prefer: str = "") -> DigestError:
    """A template problem as `file:line: message`, from the exception or, for
    errors raised while rendering, the innermost template frame."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return DigestError.single(files.display_path(exc.filename), f"template syntax error: {exc.message}",
                                  "", exc.lineno or 1, 1)
    where, line = _template_frame(exc.__traceback__, prefer)
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' not found"
        hint = "check the name in {% extends %} / {% include %}, or add the template to content/templates/"
    elif isinstance(exc, RecursionError):
        message, hint = "templates include or extend each other without end", "remove the loop"
    elif isinstance(exc, jinja2.UndefinedError):
        message, hint = f"undefined in template: {exc.message}", "check the variable's name"
    elif isinstance(exc, jinja2.exceptions.SecurityError):
        message, hint = f"not allowed in a template: {exc}", "templates run sandboxed"
    else:
        message, hint = f"template error: {type(exc).__name__}: {exc}", ""
    if not where:
        return DigestError.single(f"template '{rendering}'" if rendering else "templates", message, hint)
    return DigestError.single(files.display_path(where), message, hint, line, 1)


def _template_frame(tb: TracebackType | None, prefer: str = "") -> tuple[str, int]:
    """The innermost traceback frame that belongs to a template file (Jinja maps
    compiled template code back to template file names and lines); a frame in
    the site's own templates (`prefer`) wins, since that is where a loop or a
    mistake usually is."""
    frames: list[tuple[str, int]] = []
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt", ".j2", ".jinja")):
            frames.append((filename, tb.tb_lineno))
        tb = tb.tb_next
    own = [f for f in frames if prefer and f[0].startswith(prefer)]
    return (own or frames or [("", 0)])[-1]
