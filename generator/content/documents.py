"""A parsed content file, and how its problems are reported at a line and column.

Positions are looked up only when there is a problem to report: the happy
path parses each file once and computes no line numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..diagnostics import DigestError, Report
from . import files, yamlio
from .validate import Field, Problem, validate


class Document:
    """One parsed file; its text is read again only if a problem needs a line number."""

    def __init__(self, path: Path, display: str, text: str | None, data: Any, root: Path | None = None):
        self.path, self.display, self._text, self.data, self.root = path, display, text, data, root

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = files.read_text(self.path, self.root, self.display)
        return self._text

    @property
    def nodes(self) -> Any:
        """The composed node tree, built once for all the problems of this file."""
        if not hasattr(self, "_nodes"):
            self._nodes = yamlio.compose(self.text)
        return self._nodes

    def check(self, spec: Field, report: Report, line_offset: int = 0) -> bool:
        """Validate against `spec`; report every problem; True when there was none."""
        problems = validate(self.data, spec)
        for problem in problems:
            self._report(problem, report, line_offset)
        return not problems

    def _report(self, problem: Problem, report: Report, line_offset: int) -> None:
        line, col = yamlio.locate(self.nodes, problem.where, key=problem.at_key)
        hint = problem.hint
        if hint == "put it in quotes":
            raw = yamlio.source_text(self.text, problem.where)
            hint = f"put it in quotes: '{raw}'" if raw is not None else hint
        report.error(self.display, problem.message, hint, line + line_offset, col)

    def error_at(self, where: tuple[Any, ...], message: str, hint: str, report: Report,
                 warning: bool = False) -> None:
        line, col = yamlio.locate(self.nodes, where)
        (report.warning if warning else report.error)(self.display, message, hint, line, col)


def read_document(path: Path, report: Report, root: Path) -> Document | None:
    """Read and parse a YAML file inside `root`, or report why not."""
    shown = files.display_path(path)
    try:
        data, text = yamlio.load_file(path, shown, root)
    except DigestError as exc:
        report.extend(exc.diagnostics)
        return None
    return Document(path, shown, text, data, root)
