"""The fingerprinter behind incremental builds: equal data, equal key; different data, different key."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from generator.build.fingerprint import Fingerprinter

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Card:
    title: str
    votes: int | None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Box:
    card: Card
    extra: object = None


def canonical(value):
    """What the fingerprint must tell apart: type and content (mappings by sorted keys)."""
    if isinstance(value, dict):
        return ("dict", tuple((canonical(k), canonical(v)) for k, v in sorted(value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(canonical(v) for v in value))
    if isinstance(value, (Card, Box)):
        return (type(value).__name__, tuple(canonical(getattr(value, f)) for f in value.__dataclass_fields__))
    return (type(value).__name__, value)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                    st.text(max_size=8).map(Markup), st.dates(), st.binary(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
        st.builds(Card, st.text(max_size=6), st.one_of(st.none(), st.integers()), st.lists(st.text(max_size=3), max_size=3).map(tuple)),
        st.builds(Box, st.builds(Card, st.text(max_size=6), st.none()), inner)),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(values, values)
def test_equal_data_equal_key_different_data_different_key(a, b):
    fa, fb = Fingerprinter()(a), Fingerprinter()(b)
    assert (fa == fb) == (canonical(a) == canonical(b))


@pytest.mark.parametrize("a,b", [
    ("1", 1), (True, 1), ("", None), (("a", "b"), ("ab",)), ((("a",), "b"), ("a", ("b",))),
    ({"a": 1}, (("a", 1),)), ("@o" + "0" * 32, Card("x", 1)), (Markup("<b>"), "<b>"),
    (b"x", "x"), (date(2024, 1, 2), "2024-01-02"), (Card("a", 1), Box(Card("a", 1))),
])
def test_lookalikes_differ(a, b):
    assert Fingerprinter()(a) != Fingerprinter()(b)


def test_a_remembered_object_is_fingerprinted_by_its_source_and_kept_apart():
    card = Card("a", 1)
    plain = Fingerprinter()(card)
    known = Fingerprinter()
    known.know(card, b"\x01" * 16)
    assert known(card) != plain
    other = Fingerprinter()
    other.know(Card("a", 1), b"\x02" * 16)
    assert known(card) != Fingerprinter()(Card("b", 1))


def test_memo_is_by_identity_not_equality():
    fp = Fingerprinter()
    first, second = Card("a", 1), Card("a", 1)
    fp.know(first, b"\x01" * 16)
    assert fp(second) == Fingerprinter()(Card("a", 1))  # an equal but different object is hashed by its fields


def test_other_types_are_refused():
    with pytest.raises(TypeError, match="set"):
        Fingerprinter()({1, 2})
    with pytest.raises(TypeError, match="function"):
        Fingerprinter()((lambda: 1,))


def test_same_key_in_every_process_and_hash_seed():
    code = ("from datetime import date; from generator.build.fingerprint import Fingerprinter as F; "
            "print(F()({'b': (1, 'x', None), 'a': [date(2024, 1, 2), b'z']}))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO,
                           env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}).stdout
            for seed in ("0", "1", "12345")}
    assert len(keys) == 1
