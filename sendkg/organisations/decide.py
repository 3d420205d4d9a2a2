"""Which candidates are names: SCHEMA.md's rules, then the trained model; and what type each is."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ..resources import data_file
from .candidates import Candidate
from .features import described, type_of_name

FORUMS = {"forum", "council", "voice", "voices"}


def named_by_rule(candidate: Candidate, f: dict[str, float]) -> bool:
    """What is named however the rest of the sentence reads: what SCHEMA.md counts as named — the
    SEND information, advice and support service, and an area's forum printed as the area's name
    and what it is ('Hillingdon parent carer forum') — and a word coined as a name, in mixed case
    or with digits among its letters (WarrPAC, DurhamWorks, Listen4Change), in the middle of a
    sentence, or a word in capitals spelled out in capitalised words after it ('ATLAS (Accept,
    Teach, Listen, Access, Support)'). Not what stands in brackets after a name to explain it, nor
    anything generic. The model is not asked about these."""
    head = candidate.name.split()[-1].lower()
    if f.get("generic") or f.get("in_brackets"):
        return False
    return bool(f.get("information_service") or (f.get("area_tail") and head in FORUMS) or f.get("coined") or f.get("spelled"))


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, f: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in f.items())
        return 1.0 / (1.0 + math.exp(-z))


@cache
def shipped_model() -> Model:
    spec = json.loads(data_file("organisations/model.json").read_text(encoding="utf-8"))
    return Model(spec["weights"], spec["bias"], spec["threshold"])


def named_organisations(
    text: str,
    introduced: Iterable[tuple[int, int, str | None]] = (),
    known_people: frozenset[str] = frozenset(),
    within: tuple[int, int] | None = None,
    leave_out: Iterable[tuple[int, int]] = (),
    model: Model | None = None,
) -> list[tuple[Candidate, float]]:
    """The candidates the rules or the model keep, with their scores; where two overlap, the likelier."""
    model = model or shipped_model()
    found = described(text, introduced, known_people, within, leave_out)
    scored = [(c, 1.0 if named_by_rule(c, f) else model.probability(f)) for c, f in found]
    kept: list[tuple[Candidate, float]] = []
    taken: list[tuple[int, int]] = []
    for candidate, p in sorted(scored, key=lambda cp: (-cp[1], cp[0].first.start)):
        if p < model.threshold:
            break
        first = candidate.first
        if any(first.start < end and start < first.end for start, end in taken):
            continue
        kept.append((candidate, p))
        taken += [(m.start, m.end) for m in candidate.mentions]
    return sorted(kept, key=lambda cp: cp[0].first.start)


def organisation_type(candidate: Candidate, text: str) -> str:
    """What the text says the organisation is: the type its introduction gives ('the parent carer
    forum, X'), or else what its name and the words just after it say ('the ‘Just Say’ parent
    carer forum', 'the SHAPE programme'); 'other' when nothing does."""
    kinds = sorted({m.kind for m in candidate.found if m.kind and m.kind != "other"})
    if kinds:
        return kinds[0]
    named = candidate.named
    after = re.match(r"[’”'\")]*((?:\s+[a-z]+){1,3})", text[named.end : named.end + 60])
    return type_of_name(f"{named.text} {after.group(1) if after else ''}")
