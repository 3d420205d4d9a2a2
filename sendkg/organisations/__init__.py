"""Named organisations, services and programmes: candidates from how a name is printed, kept by
rules and a small linear model.

Three steps, one module each:
- `candidates`: a run of text printed as a proper name — quoted ('Just Say'), a run of
  capitalised words ('Durham Portage Service'), a capitalised name with a lower-case head ('Hope
  project'), a name with its acronym defined after it ('Family and Adolescent Support Service
  (FaASS)'), a word coined as a name (WarrPAC), or a name the text introduces ('the parent carer
  forum, X': `data/patterns/organisations.jsonl`); the occurrences of one name in a document,
  with its acronym, are one candidate;
- `features`: what is generic, a person, a place, an address or a date is left out, and each
  other candidate is described by how it is printed, its words and the words around it;
- `decide`: SCHEMA.md's rules keep what is named however it is printed, and a logistic
  regression trained on the hand-checked corpus (`data/organisations/model.json`, made by
  `tests/organisations/train.py`) weighs the rest.
Nothing here knows the name of any service.
"""

from .candidates import Candidate, candidates, key_of, spells
from .decide import Model, named_by_rule, named_organisations, organisation_type
from .features import described, features

__all__ = [
    "Candidate",
    "Model",
    "candidates",
    "described",
    "features",
    "key_of",
    "named_by_rule",
    "named_organisations",
    "organisation_type",
    "spells",
]
