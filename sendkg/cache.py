"""The build's cache as data, never code: what a stage made, written as JSON that names its types,
behind a digest of its own content.

An entry is one line with the SHA-256 of the rest, then the JSON. A value is rebuilt only as one
of the pipeline's own dataclasses (an allow-list) from plain values, so a planted file can at
worst be refused; an entry that is missing, cut short, altered or unreadable is discarded (and
said), and what it held is made again.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from .write import write_atomic

discarded: list[Path] = []  # damaged entries this process found and removed, for the command to say


@cache
def allowed() -> dict[str, type]:
    """The dataclasses an entry may hold, by name."""
    from . import model, numbers, pipeline, themes, validate

    classes = [
        *(c for c in vars(model).values() if dataclasses.is_dataclass(c) and isinstance(c, type)),
        numbers.Quantity,
        themes.ThemeMatch,
        validate.Report,
        validate.Violation,
        pipeline.Failure,
        pipeline.MappedDocument,
    ]
    return {c.__name__: c for c in classes}


def encoded(value) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and type(value).__name__ in allowed():
        fields = {f.name: encoded(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$": type(value).__name__, **fields}
    if isinstance(value, list):
        return [encoded(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encoded(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$frozenset": sorted(encoded(v) for v in value)}
    if isinstance(value, dict):
        return {"$dict": [[encoded(k), encoded(v)] for k, v in value.items()]}
    if isinstance(value, Path):
        return {"$path": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"the cache does not keep {type(value).__name__}")


DECODERS = {
    "$tuple": tuple,
    "$frozenset": frozenset,
    "$dict": dict,
    "$path": Path,
    "$date": date.fromisoformat,
    "$decimal": Decimal,
    "$bytes": lambda v: base64.b64decode(v, validate=True),
}


def object_from(value: dict) -> object:
    """One JSON object of an entry as what `encoded` made it from, its members already decoded
    (the JSON parser calls this from the innermost object out, so decoding is one pass)."""
    if "$" in value:
        cls = allowed()[value.pop("$")]  # a KeyError for any other name: the entry is refused
        return cls(**value)
    (tag, inner), = value.items()
    return DECODERS[tag](inner)


def decoded(body: bytes) -> object:
    return json.loads(body, object_hook=object_from)


def keep(entry: Path, value) -> None:
    body = json.dumps(encoded(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    write_atomic(hashlib.sha256(body).hexdigest().encode("ascii") + b"\n" + body, entry)


def recall(entry: Path | None):
    """What `keep` wrote, or None when there is no entry or it cannot be trusted (then removed)."""
    if entry is None or not entry.is_file():
        return None
    try:
        data = entry.read_bytes()
        digest, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode("ascii") != digest:
            raise ValueError("digest does not match")
        return decoded(body)
    except Exception:  # whatever is wrong with it, it is not used
        forget(entry)
        return None


def forget(entry: Path) -> None:
    discarded.append(entry)
    entry.unlink(missing_ok=True)
    entry.with_suffix(".nt").unlink(missing_ok=True)


def verified(path: Path, digest: str) -> bool:
    """Whether a cached file still holds exactly what its entry says (by SHA-256)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == digest
    except OSError:
        return False
