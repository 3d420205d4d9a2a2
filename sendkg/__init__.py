"""sendkg: a knowledge graph of Ofsted and CQC local area SEND inspections.

The pipeline, one module per stage: `read` → `structure` → `extract` (with `nlp`) → `resolve`
→ `rdf` → `validate` → `write`; `pipeline.build` runs them all, `query` asks the result.
"""

from .pipeline import Build, build
from .query import run as run_query

__all__ = ["Build", "build", "run_query"]
__version__ = "0.1.0"
