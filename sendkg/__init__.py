"""sendkg: a knowledge graph of Ofsted and CQC local area SEND inspections.

The pipeline, one module per stage: `read` → `structure` → `extract` (with `nlp`) → `resolve`
→ `rdf` → `validate` → `write`; `pipeline.build` runs them all, `query` asks the result. The
names below are imported when first used, so that importing the package (and `sendkg --help`)
does not load spaCy, rdflib or pyshacl.
"""

from __future__ import annotations

__all__ = ["Build", "build", "run_query"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in ("Build", "build"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "run_query":
        from .query import run

        return run
    raise AttributeError(f"module 'sendkg' has no attribute {name!r}")
