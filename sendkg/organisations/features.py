"""What the model weighs about a candidate, and what is left out before it is weighed."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cache
from itertools import accumulate

from ..gazetteer import find_area
from ..resources import data_file, jsonl
from .candidates import CONNECTORS, EDGE, Candidate, Occurrence, area_prefix, camel, candidates, coined, heads

@cache
def generic_names() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(g["pattern"], re.I) for g in jsonl("organisations/generic.jsonl"))


INTRODUCED_BODIES = {"parent-carer-forum", "charity", "information-advice-and-support-service", "college", "school"}


CHANNEL = {"through", "via", "by", "with", "from", "using", "into", "commission", "commissioned", "commissions"}


EXAMPLE = {"as", "including", "like", "includes", "include"}


def features(candidate: Candidate, text: str, known_people: frozenset[str] = frozenset(), lowered: str | None = None) -> dict[str, float]:
    """What the model weighs about a candidate: how it is printed, what its words are, and the
    words around it. Each is a number; most are 0 or 1. `lowered` is the text in lower case with
    single spaces, if the caller has it."""
    plain, tokens = printed(candidate)
    if not tokens:
        return {}
    found = candidate.found
    hows = {m.how for m in found}
    areas = area_prefix(tokens)
    first = tokens[min(areas, len(tokens) - 1)]
    titled = first[0].isupper() or first[0].isdigit() or camel(first)
    mid = mid_sentence(candidate)
    content = [t for t in tokens[areas:] if t.lower() not in CONNECTORS and not find_area(t)]
    bands = [band(t) for t in content if t.isalpha()]
    head = tokens[-1].lower()
    f: dict[str, float] = {
        "quoted_titled": float("quoted" in hows and titled),
        "quoted_lower": float("quoted" in hows and not titled),
        "acronym_titled": float(any(m.acronym for m in found) and titled),
        "acronym_lower": float(any(m.acronym for m in found) and not titled),
        "introduced": float("introduced" in hows),
        "introduced_as_body": float(any(m.kind in INTRODUCED_BODIES for m in found)),
        "tail": float("tail" in hows),
        "area_tail": float("tail" in hows and areas > 0 and all(t.islower() for t in tokens[areas:])),
        "and_part": float("split" in hows and not hows & {"titled", "quoted", "acronym", "introduced"}),
        "mid_sentence": float(mid),
        "all_titled": float(all(t[0].isupper() or t[0].isdigit() or camel(t) or t.lower() in CONNECTORS for t in tokens)),
        "lower_words": float(min(3, sum(t.islower() and t.lower() not in CONNECTORS for t in tokens))),
        "mentions": math.log(len(candidate.mentions)),
        "words": float(min(len(tokens), 6)),
        "one_word": float(len(tokens) == 1),
        "one_camel": float(len(tokens) == 1 and camel(first)),
        "one_capitals": float(len(tokens) == 1 and first.isupper() and len(first) > 2),
        "one_rare": float(len(tokens) == 1 and bands == ["rare"]),
        "one_common": float(len(tokens) == 1 and bands == ["common"]),
        "coined": float(len(tokens) == 1 and mid and coined(first)),
        "one_unusual": float(
            len(tokens) == 1 and mid and (camel(first) or (first.isupper() and len(first) > 2) or any(c.isdigit() for c in first) or bands == ["rare"])
        ),
        "area_first": float(areas > 0),
        "area_only": float(area_only(plain)),
        "area_inside": float(areas == 0 and any(find_area(t) for t in tokens[1:])),
        "generic": float(generic(plain)),
        "person": float(person(plain, known_people)),
        "not_a_name": float(printed_not_a_name(candidate, text, plain, tokens)),
        "role_word": float(role_word(tokens)),
        "rare_word": float("rare" in bands),
        "all_common": float(bool(bands) and all(b == "common" for b in bands)),
        "capitals_word": float(any(t.isupper() and len(t) > 2 and not generic(t) for t in tokens)),
        "whole_line": float(all(line_of(text, m) for m in candidate.mentions)),
        "in_brackets": float(all(in_brackets(text, m) for m in candidate.mentions)),
        "lower_elsewhere": float(len(tokens) > 1 and titled and printed_lower(plain, lowered or flattened(text))),
        "information_service": float("service" in hows),
        "spelled": float("spelled" in hows),
        f"type:{type_of_name(plain)}": 1.0,
        f"head:{heads().get(head, 'none')}": 1.0,
    }
    multiword_titled = titled and mid and len(tokens) > 1 and f["all_titled"] > 0
    f["titled_mid_multiword"] = float(multiword_titled)
    f["titled_mid_organisation"] = float(multiword_titled and heads().get(head) in ("group", "service", "institution"))
    for m in candidate.mentions:
        before = [w.strip(EDGE).lower() for w in text[max(0, m.start - 40) : m.start].split()]
        after = [w.strip(EDGE).lower() for w in text[m.end : m.end + 40].split()]
        if before and not m.sentence_start:
            f["after_the"] = max(f.get("after_the", 0.0), float(before[-1] == "the"))
            f["after_channel"] = max(f.get("after_channel", 0.0), float(before[-1] in CHANNEL or before[-2:-1] == ["the"] and before[-2] in CHANNEL))
            f["after_example"] = max(f.get("after_example", 0.0), float(bool(set(before[-3:]) & EXAMPLE)))
        described = next((heads()[w] for w in after[:3] if w in heads()), None)
        if described:
            f[f"then:{described}"] = 1.0
    return f


def printed(candidate: Candidate) -> tuple[str, list[str]]:
    """The name without what stands in brackets at its end, and its words without their punctuation."""
    plain = re.sub(r"(?<!\s)\s*+\([^()]*\)$", "", candidate.name)
    return plain, [t for t in (t.strip(EDGE) for t in plain.split()) if t]


def mid_sentence(candidate: Candidate) -> bool:
    return any(not m.sentence_start for m in candidate.found)


def area_only(plain: str) -> bool:
    return bool(find_area(plain))


def generic(plain: str) -> bool:
    return any(p.search(plain) for p in generic_names())


def person(plain: str, known_people: frozenset[str]) -> bool:
    return any(p in plain or p.endswith(plain) for p in known_people)


def printed_not_a_name(candidate: Candidate, text: str, plain: str, tokens: list[str]) -> bool:
    return not_a_name(plain, tokens, all(line_of(text, m) for m in candidate.mentions), [line_around(text, m) for m in candidate.mentions])


def role_word(tokens: list[str]) -> bool:
    return any(t.lower() in role_words() for t in tokens)


def screened(candidate: Candidate, text: str, known_people: frozenset[str]) -> tuple[bool, bool]:
    """Whether the candidate is generic, and whether it is left out before the model weighs it (as
    `described` leaves it out by its features): most candidates are, so their other features are
    never worked out."""
    plain, tokens = printed(candidate)
    if not tokens:
        return False, True
    is_generic = generic(plain)
    left_out = (  # the cheapest tests first
        is_generic
        or (len(tokens) == 1 and not mid_sentence(candidate))
        or person(plain, known_people)
        or (role_word(tokens) and not any(m.how == "introduced" for m in candidate.found))
        or area_only(plain)
        or printed_not_a_name(candidate, text, plain, tokens)
    )
    return is_generic, left_out


def described(
    text: str,
    introduced: Iterable[tuple[int, int, str | None]] = (),
    known_people: frozenset[str] = frozenset(),
    within: tuple[int, int] | None = None,
    leave_out: Iterable[tuple[int, int]] = (),
) -> list[tuple[Candidate, dict[str, float]]]:
    """The candidates worth weighing, with their features: not what is generic (or part of it), a
    person, a place or a role, nor a lone word that only ever opens a sentence."""
    lowered = flattened(text)
    found = [(c, *screened(c, text, known_people)) for c in candidates(text, introduced, within, leave_out)]
    names = Spans((m.start, m.end) for c, _, _ in found for m in c.found if m.how in ("titled", "acronym", "quoted"))
    generic = Spans((m.start, m.end) for c, is_generic, _ in found if is_generic for m in c.mentions)
    kept = []
    for candidate, _, left_out in found:
        if left_out:
            continue
        if all(generic.cover(m.start, m.end) for m in candidate.mentions):
            continue  # part of a generic name ('Health Support Teams' in 'Mental Health Support Teams')
        f = features(candidate, text, known_people, lowered)
        f["fragment"] = float(all(inside_longer(m, names) for m in candidate.mentions))
        kept.append((candidate, f))
    return kept


class Spans:
    """Stretches of a text, to ask whether one of them covers another in log time (a document
    has thousands): sorted by start, with the furthest end reached so far."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.reach = list(accumulate((end for _, end in ordered), max))

    def cover(self, start: int, end: int, begun_before: bool = False) -> bool:
        """Whether one begins at or before `start` (before it, with `begun_before`) and ends at or after `end`."""
        i = (bisect_left if begun_before else bisect_right)(self.starts, start)
        return i > 0 and self.reach[i - 1] >= end


def inside_longer(mention: Occurrence, names: Spans) -> bool:
    """The mention is the end of a longer name printed before it ('Care Board' in 'Integrated Care Board')."""
    return names.cover(mention.start, mention.end, begun_before=True)


MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")


INSPECTORATES = re.compile(r"\b(?:Ofsted|CQC|Care Quality Commission|HMI|HMCI)\b")


def not_a_name(plain: str, tokens: list[str], on_its_own_line: bool, lines: list[str]) -> bool:
    """Printed like a name, but an address (a postcode, a street, a building on a line of its own,
    with a number, or on a line with a street or a postcode), a date, an Act, or the inspectorates."""
    lowered = {t.lower() for t in tokens}
    in_an_address = any(POSTCODE.search(line) or {w.lower().strip(EDGE) for w in line.split()} & address_words("street") for line in lines)
    return bool(
        POSTCODE.search(plain)
        or lowered & address_words("street")
        or (lowered & address_words("building") and (on_its_own_line or in_an_address or any(c.isdigit() for c in plain)))
        or lowered & MONTHS
        or tokens[-1] == "Act"
        or INSPECTORATES.search(plain)
    )


@cache
def address_words(kind: str) -> frozenset[str]:
    return frozenset(w["word"] for w in jsonl("address.jsonl") if w["kind"] == kind)


def flattened(text: str) -> str:
    return f" {' '.join(text.split())} "


def printed_lower(name: str, lowered: str) -> bool:
    """The same words are printed in lower case elsewhere: a description, not a name."""
    return f" {' '.join(name.lower().split())} " in lowered


def line_of(text: str, mention: Occurrence) -> bool:
    """The mention is a line of its own (a heading, a table cell), 'The' apart."""
    start = text.rfind("\n", 0, mention.start) + 1
    end = text.find("\n", mention.end)
    before = text[start : mention.start].strip(" \t‘’'\"“”")
    return before in ("", "The") and not text[mention.end : end if end >= 0 else None].strip(" \t.‘’'\"“”")


def line_around(text: str, mention: Occurrence) -> str:
    start = text.rfind("\n", 0, mention.start) + 1
    end = text.find("\n", mention.end)
    return text[start : end if end >= 0 else None]


def in_brackets(text: str, mention: Occurrence) -> bool:
    """The mention stands inside brackets that explain the name before them ('(HPCI, the Hertfordshire parent carer forum)')."""
    before = text[max(0, mention.start - 80) : mention.start]
    return before.rfind("(") > before.rfind(")")


@cache
def role_words() -> frozenset[str]:
    return frozenset(w["word"] for w in jsonl("roles.jsonl") if w.get("kind") == "head")


@cache
def word_frequencies() -> dict[str, float]:
    """How common each English word is (log probability, lower case): spaCy's lexeme table, as
    trimmed into `data/organisations/common-words.tsv`."""
    path = data_file("organisations/common-words.tsv")
    frequencies = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, value = line.split("\t")
            frequencies[word] = float(value)
    return frequencies


def band(word: str) -> str:
    """'common', 'known' or 'rare' English."""
    p = word_frequencies().get(word.lower())
    return "rare" if p is None or p < -14.5 else "known" if p < -11 else "common"


@cache
def organisation_types() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(t["pattern"], re.I), t["type"]) for t in jsonl("organisations/types.jsonl"))


def type_of_name(name: str) -> str:
    return next((code for pattern, code in organisation_types() if pattern.search(name)), "other")
