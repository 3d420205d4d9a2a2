"""The build's cache as data, never code: what a stage made, as MessagePack behind a digest of its
own content, read straight back into the pipeline's own dataclasses.

An entry is one line with the SHA-256 of the rest, then a MessagePack pair: the name of the
value's type and the value. The type must be one of the pipeline's own dataclasses (an
allow-list), and msgspec builds it from the fields and types it declares, so a planted file can at
worst be refused; an entry that is missing, cut short, altered or unreadable is discarded (and
said), and what it held is made again. Decoded straight into the declared types, a thousand
extractions are recalled in a fifth of the time JSON took.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import cache
from pathlib import Path

import msgspec
from rdflib import URIRef

from .write import write_atomic

discarded: list[Path] = []  # damaged entries this process found and removed, for the command to say
STRINGS = (Path, URIRef)  # kept as their text


@cache
def allowed() -> dict[str, type]:
    """The dataclasses an entry may hold (or bytes: a graph's N-Triples), by name."""
    from . import model, pipeline, validate

    classes = [
        *(c for c in vars(model).values() if dataclasses.is_dataclass(c) and isinstance(c, type)),
        validate.Report,
        validate.Violation,
        pipeline.Failure,
        pipeline.MappedDocument,
    ]
    return {c.__name__: c for c in [*classes, bytes]}


def as_text(value: object) -> str:
    if isinstance(value, STRINGS):
        return str(value)
    raise TypeError(f"the cache does not keep {type(value).__name__}")


def from_text(kind: type, value: object) -> object:
    if kind in STRINGS and isinstance(value, str):
        return kind(value)
    raise TypeError(f"the cache does not make {kind}")


ENCODER = msgspec.msgpack.Encoder(enc_hook=as_text)
ENVELOPE = msgspec.msgpack.Decoder(tuple[str, msgspec.Raw])


@cache
def decoder(name: str) -> msgspec.msgpack.Decoder:
    return msgspec.msgpack.Decoder(allowed()[name], dec_hook=from_text)  # a KeyError for any other name: refused


def encoded(value) -> bytes:
    name = type(value).__name__
    if allowed().get(name) is not type(value):
        raise TypeError(f"the cache does not keep {name}")
    return ENCODER.encode((name, value))


def fingerprint(value) -> bytes:
    """Values (dataclasses, tuples, lists, strings, dates; no sets, whose order varies) as bytes
    that are the same in every process, for a cache key."""
    return ENCODER.encode(value)


def decoded(body: bytes) -> object:
    name, value = ENVELOPE.decode(body)
    return decoder(name).decode(value)


def keep(entry: Path, value) -> None:
    body = encoded(value)
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


def stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time: any later write changes them."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def unchanged(path: Path, written: tuple[int, int]) -> bool:
    """Whether a cached file is still as written, told by its size and modification time without
    reading it (a thousand graphs are 300 MB); its digest is checked when it is read."""
    try:
        return stamp(path) == tuple(written)
    except OSError:
        return False
