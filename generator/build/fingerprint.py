"""Stable fingerprints of the data an output is made from.

The same value always gives the same bytes, in any process and under any hash
seed: strings, numbers, dates, bytes, sequences, mappings (in sorted key
order) and frozen dataclasses (by their fields). Each dataclass instance is
hashed once per build and remembered, so a digest shared by many pages costs
one hash. Anything else is refused: an unfingerprintable value in a page's
context is a bug that would make incremental builds wrong.

Values are first written out as one text (a tagged, length-prefixed
serialisation) and hashed once: one hash call per output instead of one per
value, which made planning 10k papers' outputs twice as fast.
"""
from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from markupsafe import Markup


class Fingerprinter:
    def __init__(self) -> None:
        self._memo: dict[int, tuple[Any, str]] = {}  # id -> (object kept alive, fingerprint)
        self._fields: dict[type, tuple[str, ...]] = {}

    def know(self, value: Any, source: bytes) -> None:
        """Fingerprint `value` by the bytes it was made from (a paper by its record file's
        hash) instead of by its fields: same bytes, same code (in every key), same value.
        The prefix keeps such fingerprints apart from field-by-field ones."""
        self._memo[id(value)] = (value, "r" + source.hex())

    def __call__(self, *values: Any) -> str:
        parts: list[str] = []
        for value in values:
            self._feed(parts, value)
        return hashlib.blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def _feed(self, out: list[str], value: Any) -> None:
        kind = type(value)
        if kind is str or kind is Markup:
            out.append(f"s{len(value)}:")
            out.append(value)
        elif value is None or kind is bool or kind is int or kind is float:
            out.append(f"v{value!r};")
        elif kind is tuple or kind is list:
            out.append(f"({len(value)}")
            feed = self._feed
            for item in value:
                feed(out, item)
            out.append(")")
        elif kind is date:
            out.append("d" + value.isoformat())
        elif kind is bytes:
            out.append(f"b{len(value)}:{hashlib.blake2b(value, digest_size=16).hexdigest()}")
        elif isinstance(value, Mapping):
            out.append(f"{{{len(value)}")
            for key in sorted(value):
                self._feed(out, key)
                self._feed(out, value[key])
            out.append("}")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(self._object(value))
        else:
            raise TypeError(f"cannot fingerprint a {kind.__qualname__}: outputs must be made from plain data")

    def _object(self, value: Any) -> str:
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        kind = type(value)
        names = self._fields.get(kind)
        if names is None:
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(value))
        parts = [kind.__qualname__]
        for name in names:
            self._feed(parts, getattr(value, name))
        digest = "o" + hashlib.blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        self._memo[id(value)] = (value, digest)
        return digest
