"""Problems found in content, and the one error type the core raises.

The core never prints or exits: it collects `Diagnostic`s and raises
`DigestError` carrying them. Only `cli.py` formats them for a person or for
GitHub Actions and picks the exit code.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: a file, and where known a 1-based line and column."""

    path: str
    line: int = 0
    col: int = 0
    message: str = ""
    hint: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}:{self.col or 1}"
        return self.path

    def format_text(self) -> str:
        text = f"{self.location()}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def format_github(self) -> str:
        props = [f"file={_gh_property(self.path)}"]
        if self.line:
            props += [f"line={self.line}", f"col={self.col or 1}"]
        props.append("title=digest check")
        body = self.message + (f" (hint: {self.hint})" if self.hint else "")
        return f"::{self.severity} {','.join(props)}::{_gh_data(body)}"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def format_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False)


class DigestError(Exception):
    """Raised by the core when content or a source cannot be used.

    Carries every diagnostic found, so a curator sees all mistakes at once.
    """

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=_sort_key)
        super().__init__("\n".join(d.format_text() for d in self.diagnostics))

    def __reduce__(self) -> tuple:  # so an error raised in a worker process arrives whole
        return (DigestError, (self.diagnostics,))

    @classmethod
    def single(cls, path: str | Path, message: str, hint: str = "", line: int = 0, col: int = 0) -> DigestError:
        return cls([Diagnostic(str(path), line, col, message, hint)])


def _sort_key(d: Diagnostic) -> tuple:
    return (d.path, d.line, d.col, d.message)


class Report:
    """Collects diagnostics while loading; `raise_if_errors` ends a stage."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: str | Path, message: str, hint: str = "", line: int = 0, col: int = 0) -> None:
        self.diagnostics.append(Diagnostic(str(path), line, col, message, hint, ERROR))

    def warning(self, path: str | Path, message: str, hint: str = "", line: int = 0, col: int = 0) -> None:
        self.diagnostics.append(Diagnostic(str(path), line, col, message, hint, WARNING))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return sorted((d for d in self.diagnostics if not d.is_error), key=_sort_key)

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DigestError(self.diagnostics)
