"""Stable fingerprints of the data an output is made from.

The same value always gives the same bytes, in any process and under any hash
seed: strings, numbers, dates, bytes, sequences, mappings (in sorted key
order) and frozen dataclasses (by their fields). Each dataclass instance is
hashed once per build and remembered, so a digest shared by many pages costs
one hash. Anything else is refused: an unfingerprintable value in a page's
context is a bug that would make incremental builds wrong.
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
        self._memo: dict[int, tuple[Any, bytes]] = {}  # id -> (object kept alive, fingerprint)

    def __call__(self, *values: Any) -> str:
        h = hashlib.blake2b(digest_size=16)
        for value in values:
            self._feed(h, value)
        return h.hexdigest()

    def _feed(self, h: Any, value: Any) -> None:
        kind = type(value)
        if kind is str or kind is Markup:
            data = value.encode("utf-8", "surrogatepass")
            h.update(b"s%d:" % len(data))
            h.update(data)
        elif value is None or kind is bool or kind is int or kind is float:
            h.update(b"v%s;" % repr(value).encode())
        elif kind is date:
            h.update(b"d" + value.isoformat().encode())
        elif kind is bytes:
            h.update(b"b%d:" % len(value))
            h.update(value)
        elif kind is tuple or kind is list:
            h.update(b"(%d" % len(value))
            for item in value:
                self._feed(h, item)
            h.update(b")")
        elif isinstance(value, Mapping):
            h.update(b"{%d" % len(value))
            for key in sorted(value):
                self._feed(h, key)
                self._feed(h, value[key])
            h.update(b"}")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            h.update(b"o")
            h.update(self._object(value))
        else:
            raise TypeError(f"cannot fingerprint a {kind.__qualname__}: outputs must be made from plain data")

    def _object(self, value: Any) -> bytes:
        hit = self._memo.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        h = hashlib.blake2b(type(value).__qualname__.encode(), digest_size=16)
        for f in dataclasses.fields(value):
            self._feed(h, getattr(value, f.name))
        digest = h.digest()
        self._memo[id(value)] = (value, digest)
        return digest
