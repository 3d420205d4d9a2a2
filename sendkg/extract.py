"""Stage 3, extract: a `Layout` and its spaCy `Doc` become an `Extraction`.

Reads the facts an inspection document states (area, kind, dates, outcome, people, named
bodies, statutes), each with the span that states it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc

from . import people
from .dates import DATE, find_range, parse_date
from .gazetteer import (
    find_area,
    find_area_within,
    find_ccg,
    find_icb,
    health_body_core,
    inspection_year,
    icb_cores,
    normalise_place,
)
from .model import DateValue, Extraction, Layout, Mention, Person, Span, Valued
from .organisations import key_of, named_organisations, organisation_type
from .resources import jsonl
from .structure import REPORT_TITLE, TITLE


class DocumentError(Exception):
    """The document is an inspection document but lacks what every inspection has (e.g. its area)."""


WSOA = r"(?:written\s+statement\s+of\s+action(?:\s*\(WSOA\))?|WSOA)"
WSOA_REQUIRED = re.compile(
    rf"{WSOA}\s+(?:is|was|will\s+be)\s+required|(?:required\s+to|must|need\s+to|has\s+to)\s+(?:produce|submit|write|prepare)"
    rf"(?:\s+and\s+(?:submit|produce|publish))?\s+a\s+{WSOA}",
    re.I,
)
WSOA_NOT_REQUIRED = re.compile(rf"{WSOA}\s+(?:is|was)\s+not\s+required|not\s+(?:be\s+)?required\s+to\s+produce\s+a\s+{WSOA}", re.I)
NO_PROGRESS = re.compile(r"\b(has|have)\s+not\s+made\s+sufficient\s+progress\b", re.I)
NEXT_STEPS = re.compile(r"\bnext\s+steps\b", re.I)  # `next_steps` takes the whole line it is on
AREA_IN_PROSE = re.compile(
    r"\b(?:inspection|revisit|disability|disabilities|SEND)\s+(?:for|in|of)\s+(?P<area>[A-Z][\w'’.\-]*(?:\s+(?:upon|on|and|with|of)?\s*[A-Z][\w'’.\-]*){0,4})"
)
PREVIOUS_LABEL = re.compile(r"\bdates?\s+of\s+(?:the\s+)?previous\s+inspections?\s*:", re.I)
OUTCOMES = tuple((re.compile(o["pattern"], re.I), o["outcome"]) for o in jsonl("patterns/outcomes.jsonl"))
PREVIOUS = re.compile(r"(?:previous|initial)\s+inspection\b[^.\n]{0,80}", re.I)
LETTER_REFERENCE = re.compile(r"joint\s+local\s+area\s+send\s+inspection\s+(?:in|of)\s+[^\t\n\d]+?\s+(?=\d)", re.I)
LEADING_WORDS = re.compile(r"^(?:(?:of|the|and|in|under|section|to)\s+|[,\-–\s]+)+", re.I)


def extract(layout: Layout, doc: Doc) -> Extraction:
    text = layout.source.text
    result = Extraction(layout=layout, warnings=list(layout.warnings))
    result.area = find_local_area(layout)
    if result.area is None:
        raise DocumentError("no English local area named in the title")
    result.inspection_kind = inspection_kind(layout)
    dates_from = layout.title.end if layout.title else layout.body.start
    window = text[dates_from : dates_from + 2500]
    found = find_range(window, dates_from)
    if found:
        result.start, result.end = found
    else:
        result.warnings.append("no inspection dates found")
    result.previous_start, result.previous_end = previous_dates(layout, text)
    result.letter_date = letter_date(layout)
    result.outcome = outcome(layout)
    result.next_steps = next_steps(layout, result.outcome)
    result.team, result.lead_inspector = team(layout, doc)
    if result.lead_inspector is None:
        result.warnings.append("no lead inspector named")
    if layout.addressees:
        result.addressees = people.addressees(layout.addressees, text)
    if layout.partnership:
        result.addressees = people.partnership_people(layout, text)
    if layout.cc:
        result.copied_to = copied_to(layout, text)
    year = inspection_year(result.start.value) if result.start else None
    result.mentions = mentions(layout, doc, result.area, year, [*result.team, *result.addressees])
    return result


def find_local_area(layout: Layout) -> Mention | None:
    text = layout.source.text
    if layout.framework == "2023" and layout.title:
        match = REPORT_TITLE.match(text, layout.title.start)
        name = people.join_lines(match.group("area").split("\n")) if match else ""
        la = find_area(name)
        if la:
            return Mention("LOCAL_AREA", name, Span(match.start("area"), match.end("area")), la.key)
    if layout.title:
        match = TITLE.match(text[layout.title.start : layout.title.end].replace("**", "  "))
        if match:
            start = layout.title.start + match.start("area")
            name = match.group("area")
            la = find_area(name) or find_area_within(name)
            return Mention("LOCAL_AREA", name, Span(start, start + len(name)), la.key) if la else None
    body = text[layout.body.start : layout.body.end]
    for match in AREA_IN_PROSE.finditer(body):
        tokens = match.group("area").rstrip(".").split()
        for n in range(len(tokens), 0, -1):
            name = " ".join(tokens[:n])
            la = find_area(name)
            if la:
                start = layout.body.start + match.start("area")
                return Mention("LOCAL_AREA", name, Span(start, start + len(name)), la.key)
    return None


def inspection_kind(layout: Layout) -> str:
    if layout.framework == "2023":
        title = REPORT_TITLE.match(layout.source.text, layout.title.start) if layout.title else None
        return "monitoring" if title and title.group("monitoring") else "full"
    if layout.document_kind == "revisit-letter":
        return "revisit"
    if layout.document_kind == "council-report" and re.search(r"\brevisit", layout.source.text, re.I):
        return "revisit"
    return "initial"


def previous_dates(layout: Layout, text: str) -> tuple[DateValue | None, DateValue | None]:
    """Dates of the earlier inspection, when the document prints them in full; a report that
    gives only the day it began ('The previous full inspection was on 19 March 2018') has a start."""
    body = text[layout.body.start : layout.body.end]
    label = PREVIOUS_LABEL.search(body)
    if label:
        window = body[label.end() : label.end() + 200].split("\n\n")[0]
        offset = layout.body.start + label.end()
        found = find_range(window, offset)
        if found:
            return found
        first = DATE.search(window)
        return (parse_date(first.group(0), offset + first.start()) if first else None), None
    for match in PREVIOUS.finditer(body):
        found = find_range(body[match.start() : match.end() + 40], layout.body.start + match.start())
        if found:
            return found
    return None, None


def letter_date(layout: Layout) -> DateValue | None:
    text = layout.source.text
    if layout.letter_date:
        return parse_date(text[layout.letter_date.start : layout.letter_date.end], layout.letter_date.start)
    if layout.document_kind == "council-report":
        for match in LETTER_REFERENCE.finditer(text):
            found = DATE.match(text, match.end())
            if found:
                return parse_date(found.group(0), found.start())
    return None


def outcome(layout: Layout) -> Valued | None:
    text = layout.source.text
    body = text[layout.body.start : layout.body.end]
    if layout.framework == "2023":
        if not layout.outcome:
            return None
        section = text[layout.outcome.span.start : layout.outcome.span.end]
        for pattern, value in OUTCOMES:
            match = pattern.search(section)
            if match:
                return Valued(value, shift(match, layout.outcome.span.start))
        return None
    if layout.document_kind == "revisit-letter" or (layout.verdicts and layout.document_kind == "council-report"):
        if layout.verdicts:
            insufficient = [v for v in layout.verdicts if v.progress == "insufficient"]
            chosen = insufficient[0] if insufficient else layout.verdicts[-1]
            return Valued("revisit-insufficient" if insufficient else "revisit-sufficient", chosen.statement)
        match = NO_PROGRESS.search(body)
        return Valued("revisit-insufficient", shift(match, layout.body.start)) if match else None
    match = WSOA_NOT_REQUIRED.search(body)
    if match:
        return Valued("no-wsoa", shift(match, layout.body.start))
    match = WSOA_REQUIRED.search(body)
    if match:
        return Valued("wsoa", shift(match, layout.body.start))
    weaknesses = next((s for s in layout.sections if s.section == "significant-weaknesses"), None)
    if weaknesses:
        # The list of significant weaknesses a Written Statement of Action must tackle is the outcome.
        return Valued("wsoa", weaknesses.heading)
    if layout.document_kind == "letter" and layout.sections:
        # A letter that requires a Written Statement of Action always says so; its title stands as evidence.
        return Valued("no-wsoa", layout.title)
    return None


def shift(match: re.Match, offset: int) -> Span:
    return Span(offset + match.start(), offset + match.end())


def next_steps(layout: Layout, decided: Valued | None) -> Valued | None:
    text = layout.source.text
    if layout.framework == "2023":
        return report_next_steps(layout, decided)
    body = text[layout.body.start : layout.body.end]
    pattern = WSOA_REQUIRED if decided and decided.value == "wsoa" else NEXT_STEPS
    match = pattern.search(body) or NEXT_STEPS.search(body)
    if not match:
        return None
    start = body.rfind("\n", 0, match.start()) + 1
    end = body.find("\n", match.end())
    end = len(body) if end < 0 else end
    sentence = re.sub(r"^\s*[-–•■▪*]\s+", "", body[start:end]).strip()
    offset = layout.body.start + start + (len(body[start:end]) - len(body[start:end].lstrip()))
    return Valued(" ".join(sentence.split()), Span(offset, layout.body.start + end))


def report_next_steps(layout: Layout, decided: Valued | None) -> Valued | None:
    """What a report's outcome section says comes next: the paragraphs after the outcome's own."""
    if not layout.outcome or not decided:
        return None
    text = layout.source.text
    start = text.find("\n\n", decided.span.end, layout.outcome.span.end)
    if start < 0:
        return None
    start += 2
    while start < layout.outcome.span.end and text[start] in "\n ":
        start += 1
    end = layout.outcome.span.end
    return Valued(" ".join(text[start:end].split()), Span(start, end)) if end > start else None


def team(layout: Layout, doc: Doc) -> tuple[list[Person], Person | None]:
    text = layout.source.text
    members = people.signature_people(layout.signature, text) if layout.signature else []
    signed = people.signatory(layout.signatory, text) if layout.signatory else None
    if signed and not any(p.name == signed.name for p in members):
        members.append(signed)
    if not members:
        members = [
            Person(people.clean_name(s.text), s._.sendkg_kind, None, Span(s.start_char, s.end_char), s._.sendkg_body)
            for s in doc.spans.get("people", [])
            if within(layout.body, s.start_char)
        ]
    lead = next((p for p in members if p.body == "Ofsted" and p.role and re.search(r"\blead\b", p.role, re.I)), None)
    lead = lead or signed or next((p for p in members if p.body == "Ofsted" and p.role and "inspector" in p.role.lower()), None)
    return members, lead


def copied_to(layout: Layout, text: str) -> list[Valued]:
    """The cc list: 'Cc: Department for Education' and one recipient on each line after it."""
    found = []
    for line in layout.cc.lines:
        raw = text[line.span.start : line.span.end]
        match = re.match(r"\s*+(?:cc\s*:\s*)?(.*\S)", raw, re.I)
        if match and match.group(1):
            found.append(Valued(people.tidy(match.group(1).replace("**", "")), Span(line.span.start + match.start(1), line.span.end)))
    return found


def within(span: Span, offset: int) -> bool:
    return span.start <= offset < span.end


def mentions(layout: Layout, doc: Doc, area: Mention, year: int | None, named_people: Iterable[Person] = ()) -> list[Mention]:
    found = [area]
    for ent in doc.ents:
        if not within(layout.body, ent.start_char):
            continue
        if ent.label_ == "LOCAL_AREA" and ent.ent_id_ == area.key:
            found.append(Mention("LOCAL_AREA", ent.text, Span(ent.start_char, ent.end_char), area.key))
        elif ent.label_ == "HEALTH_BODY":
            mention = health_body(ent.text, ent.start_char, ent.ent_id_, year)
            if mention:
                found.append(mention)
        elif ent.label_ == "STATUTE":
            skip = after_table_row(layout.source.text, ent.start_char, ent.text)
            mention = statute(ent.text[skip:], ent.start_char + skip)
            if mention:
                found.append(mention)
    text = layout.source.text
    introduced = [(span.start_char, span.end_char, span._.sendkg_kind) for span in doc.spans.get("organisations", [])]
    names = frozenset(person.name for person in named_people)
    for candidate, _ in named_organisations(text, introduced, names, (layout.body.start, layout.body.end), sign_off(layout)):
        key = f"{area.key}/{organisation_key(candidate.name)}"  # a local service is the area's own, until resolved
        kind = organisation_type(candidate, text)
        for mention in candidate.mentions:
            found.append(Mention("ORGANISATION", mention.text, Span(mention.start, mention.end), key, kind))
    return sorted(set(found), key=lambda m: (m.span, m.label, m.key))


def sign_off(layout: Layout) -> list[tuple[int, int]]:
    """The parts of a document that list the inspectors and who is copied in: no named services there."""
    return [(b.span.start, b.span.end) for b in (layout.signature, layout.signatory, layout.cc) if b is not None]


def health_body(text: str, offset: int, kind: str, year: int | None = None) -> Mention | None:
    """A CCG or ICB as printed, without what runs into its name ('Fiona Taylor, Chief Officer,
    Sefton CCG', 'London Borough of Hillingdon and North West London Integrated Care Board'): the
    longest run of the match's last words that names a CCG or ICB of the reference lists, or else
    the name after 'NHS', after a council joined to it with 'and', or after a comma. An ICB must be
    one of the reference list's; a CCG keeps its printed name when the list does not settle it,
    if that name is printed in title case."""
    cut = next((start for start in word_starts(text) if reference_body(text[start:], kind, year)), None)
    if cut is None:
        if not TITLED_HEAD.search(text):
            return None  # 'the area's clinical commissioning group': a name in lower case only when the list knows it
        cut = printed_start(text, kind, year)
    name = " ".join(text[cut:].replace("&", "and").split())
    if not health_body_core(expanded(name)) or len(name.split()) < 2:
        return None
    lookup = expanded(name)
    if kind == "icb":
        board = find_icb(lookup)
        if board is None:
            return None
        key = board[0].ods.lower()
    else:
        group = find_ccg(lookup, year)
        key = group.ods.lower() if group else health_body_key(lookup)
    return Mention("HEALTH_BODY", name, Span(offset + cut, offset + len(text)), key, kind or "ccg")


def word_starts(text: str) -> list[int]:
    """Where a body's name could begin: each capitalised word, first to last."""
    return [m.start() for m in re.finditer(r"(?<![\w'’\-&.])[A-Z][\w'’.\-]*", text)]


def reference_body(text: str, kind: str, year: int | None) -> bool:
    """The text is exactly the name of an ICB (or a CCG) of the reference lists, in any printed form."""
    lookup = expanded(" ".join(text.split()))
    core = health_body_core(lookup)
    if kind == "icb":
        return core in icb_cores()
    return find_ccg(lookup, year) is not None


def printed_start(text: str, kind: str, year: int | None) -> int:
    """Where a name that no reference list settles begins: after the last 'NHS' that opens a name,
    a council or trust joined to it with 'and', a comma, and the words that cannot begin a name."""
    owner = list(NHS_OWNER.finditer(text))
    # A comma inside the name ('NHS Bedfordshire, Luton and Milton Keynes ICB') is kept after 'NHS'.
    cut = owner[-1].start() if owner else text.rfind(",") + 1
    partner = list(PARTNER_BEFORE.finditer(text, cut))
    if partner:
        cut = partner[-1].end()
    rest = text[cut:]
    stripped = LEADING_WORDS.sub("", rest)
    stripped = re.sub(r"^(?:the|The)\s+", "", stripped)
    return cut + len(rest) - len(stripped)


def expanded(name: str) -> str:
    """A printed name with its acronyms spelled out, for looking it up: 'X ICB' = 'X Integrated Care Board'."""
    name = name.replace("&", "and")
    name = re.sub(r"\bCCGs\b", "Clinical Commissioning Groups", name)
    name = re.sub(r"\bCCG\b", "Clinical Commissioning Group", name)
    return re.sub(r"\bICB\b", "Integrated Care Board", name)


TITLED_HEAD = re.compile(r"(?:Clinical\s+Commissioning\s+Groups?|Integrated\s+Care\s+Board|CCGs?|ICB)$")
PARTNER_BEFORE = re.compile(r"\b(?:Council|Authority|Trust)\s+and\s+")
NHS_OWNER = re.compile(r"\bNHS\b(?=\s+(?!Integrated\b|Clinical\b|England\b)[A-Z])")


def health_body_key(name: str) -> str:
    return health_body_core(name).replace(" ", "-") + ("-ccgs" if re.search(r"groups\b", name, re.I) else "")


def statute(text: str, offset: int) -> Mention | None:
    """'the Children and Families Act (2014)', 'the 2014 Children and Families Act' -> 'Children and
    Families Act 2014'; 'the Care Act' (no year printed) -> 'Care Act'."""
    name = LEADING_WORDS.sub("", " ".join(text.split()))
    name = re.sub(r"^(?:the|The|THE)\s+", "", name)
    name = re.sub(r"\bAct\s*(?:\(\s*(\d{4})\s*\)|,\s*(\d{4}))$", lambda m: f"Act {m.group(1) or m.group(2)}", name, flags=re.I)
    name = re.sub(r"^(\d{4})\s+(.+\bAct)$", r"\2 \1", name, flags=re.I)
    dated = re.search(r"\b(act|regulations)\s+\d{4}$", name, re.I) and len(name.split()) >= 3
    # An Act named without its year ('Care Act assessments') is kept as printed: title-case words before 'Act'.
    undated = re.fullmatch(r"(?:[A-Z][\w'’]*\s+(?:(?:and|of)\s+)?)+Act", name)
    if not (dated or undated):
        return None
    if name.isupper() or name.replace("(", "").split()[0].isupper():
        name = " ".join(w if w.isdigit() else (w.lower() if w.lower() in {"and", "of"} else w.capitalize()) for w in name.split())
    start = offset + text.lower().index(name.split()[0].lower())
    return Mention("STATUTE", name, Span(start, offset + len(text)), normalise_place(name))


def after_table_row(text: str, start: int, name: str) -> int:
    """Where a name that runs on from a table row ('Contact Officer<TAB>... / Children and
    Families Act 2014') really begins: a row's cells do not wrap into the next line."""
    line_start = text.rfind("\n", 0, start) + 1
    first_break = name.find("\n")
    if first_break < 0 or "\t" not in text[line_start : start + first_break]:
        return 0
    return first_break + 1


def organisation_key(name: str) -> str:
    return normalise_place(key_of(name))
