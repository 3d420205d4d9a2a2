"""Stage 8, publish: the graph files and the store switched to a new build together.

Every file is first written whole beside its place, the store is brought to the build, and only
then are the files renamed into place, so a failure of either leaves the files as they were. A
store is held by one build at a time (`store_lock`), so two builds never interleave their corpora.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from rdflib import URIRef

from .write import clean_stale, serialised, written_beside

LOCK = "sendkg.lock"  # in the store folder, beside Oxigraph's own files: the PID of the build holding it


class StoreInUse(Exception):
    """Another build holds the store."""


@contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """Hold `store` for this process, or raise `StoreInUse` naming the process that holds it. The
    lock is the kernel's (flock), so a build that is killed releases it."""
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    with open(store / LOCK, "a+", encoding="ascii") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise StoreInUse(f"{store}: the store is in use by PID {holder} (another sendkg build); try again when it has finished") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(shared_lines: bytes, parts: Mapping[URIRef, bytes], outputs: Mapping[Path, str], store: Path | None = None) -> int | None:
    """Write each output (path: format) and fill `store`, switching them together; returns the
    store's number of quads, None without a store. Temporary files that killed builds left beside
    the outputs or in the store are removed first."""
    from .store import fill

    for folder in sorted({Path(path).parent for path in outputs} | ({Path(store)} if store else set())):
        clean_stale(folder)
    written: dict[Path, Path] = {}
    try:
        for path, fmt in outputs.items():
            written[Path(path)] = written_beside(serialised(shared_lines, parts, fmt), path)
        quads = fill(store, shared_lines, parts) if store else None
        for path, temporary in written.items():
            os.replace(temporary, path)
    finally:
        for temporary in written.values():
            temporary.unlink(missing_ok=True)
    return quads
