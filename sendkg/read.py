"""Stage 1, read: a file on disk becomes a `Source` (its text), or a `ReadError` saying why not."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from .model import Source, Table
from .pdf import PdfError, read_pdf

TEXT_TYPES = {".txt": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}
PDF = ".pdf"
SUPPORTED = (*TEXT_TYPES, PDF)


class ReadError(Exception):
    """A document that cannot be read; the message is one line naming the reason."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


DEFAULT_MAX_BYTES = 100 * 2**20  # a 2023-framework report is about 0.3 MB; a 1,500-page PDF about 20 MB


def read(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    path = Path(path)
    if path.is_dir():
        raise ReadError(path, f"folder cannot be listed ({unlistable(path) or 'not a document'})")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(path, f"unsupported file type '{path.suffix or path.name}' (expected {', '.join(SUPPORTED)})")
    data = file_bytes(path, max_bytes)
    digest = hashlib.sha256(data).hexdigest()
    if suffix == PDF:
        text, page_starts, tables, warnings = decode_pdf(path, data)
        return Source(path=path, text=text, sha256=digest, media_type="application/pdf", page_starts=page_starts, tables=tables, warnings=warnings)
    return Source(path=path, text=decode_text(path, data), sha256=digest, media_type=TEXT_TYPES[suffix])


def file_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes; refused before reading when it is not a regular file (a FIFO, a device, a
    symlink to one), which could block or never end, or is larger than `max_bytes`."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise ReadError(path, "not a regular file (a folder, FIFO, device or socket)")
        if status.st_size > max_bytes:
            raise ReadError(path, f"too large ({size(status.st_size)}; the limit is {size(max_bytes)}: build --max-size)")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise ReadError(path, f"cannot read file ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise ReadError(path, f"too large (grew past the limit of {size(max_bytes)} while read)")
    return data


def size(count: int) -> str:
    return f"{count / 2**20:.1f} MB" if count >= 2**20 // 10 else f"{count:,} bytes"


def decode_pdf(path: Path, data: bytes) -> tuple[str, tuple[int, ...], tuple[Table, ...], tuple[str, ...]]:
    if not data.strip():
        raise ReadError(path, "empty file")
    if not data.lstrip().startswith(b"%PDF"):
        raise ReadError(path, "not a PDF (no %PDF header)")
    try:
        return read_pdf(data)
    except PdfError as error:
        raise ReadError(path, str(error)) from None


def decode_text(path: Path, data: bytes) -> str:
    if not data.strip():
        raise ReadError(path, "empty file")
    if b"\x00" in data[:8192]:
        raise ReadError(path, "binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(path, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})") from None
    text = text.removeprefix("\ufeff")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text) // 100):
        raise ReadError(path, "binary file, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def find_documents(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named on the command line, and the supported files below any folder, in a stable order.

    A folder's README files describe the corpus; they are not documents of it. A subfolder that
    cannot be listed is yielded itself, so that reading it says why, rather than skipped unsaid."""
    for path in paths:
        path = Path(path)
        if not path.is_dir():
            yield path
            continue
        found: list[Path] = []
        unreadable: list[Path] = []
        for folder, _, names in os.walk(path, onerror=lambda error: unreadable.append(Path(error.filename))):
            found += (
                Path(folder) / name
                for name in names
                if Path(name).suffix.lower() in SUPPORTED and not name.lower().startswith("readme") and (Path(folder) / name).is_file()
            )
        yield from sorted(found + unreadable)


def unlistable(folder: Path) -> str | None:
    """Why a folder cannot be listed, or None when it can."""
    try:
        with os.scandir(folder):
            return None
    except OSError as error:
        return error.strerror or str(error)
