"""Where the data files live: the repository's top-level folders in a checkout, or their copies
bundled inside an installed wheel."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPOSITORY = PACKAGE.parent


def folder(name: str) -> Path:
    """`ontology`, `shapes` or `queries`."""
    bundled = PACKAGE / "_bundled" / name
    return bundled if bundled.is_dir() else REPOSITORY / name


def data_file(name: str) -> Path:
    """A file in `sendkg/data/` (reference tables, patterns, section headings)."""
    return PACKAGE / "data" / name


@cache
def jsonl(name: str) -> tuple[dict, ...]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip() and not line.lstrip().startswith("//"))
