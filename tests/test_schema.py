"""The shipped JSON Schemas match `digest schema`, accept the shipped content and reject broken samples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator.content import yamlio
from generator.content.schema import render_json_schemas

from .conftest import REPO

jsonschema = pytest.importorskip("jsonschema")


def test_shipped_schemas_are_current() -> None:
    for kind, text in render_json_schemas().items():
        assert (REPO / "content" / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8") == text, (
            f"run: digest schema --write content/schema ({kind} changed)")


def load(path: Path):
    return yamlio.parse(path.read_text(encoding="utf-8"), str(path))


def validator(kind: str):
    schema = json.loads(render_json_schemas()[kind])
    return jsonschema.Draft202012Validator(schema)


def test_schema_accepts_shipped_content() -> None:
    content = REPO / "content"
    for path in sorted((content / "digests").glob("*.yaml")):
        validator("digest").validate(load(path))
    validator("curators").validate(load(content / "curators.yaml"))
    validator("site").validate(load(content / "site.yaml"))
    for path in sorted((content / "papers").rglob("*.yaml"))[:50]:
        validator("paper").validate(load(path))


@pytest.mark.parametrize("text", [
    "date: 2026-05-20\ntitle: T\ncurator: ada\npapers:\n  - paper: x\n    tgas: [a]\n",
    "date: 20.05.2026\ntitle: T\ncurator: ada\n",
    "date: 2026-05-20\ntitle: ''\ncurator: ada\n",
    "date: 2026-05-20\ntitle: T\ncurator: ada\npapers:\n  - paper: x\n    pick: 'yes'\n",
    "date: 2026-05-20\ntitle: T\ncurator: ada\npapers:\n  - paper: ../x\n",
    "date: 2026-05-20\ntitle: T\n",
])
def test_schema_rejects_broken_digests(text: str) -> None:
    assert list(validator("digest").iter_errors(yaml.safe_load(text)))
