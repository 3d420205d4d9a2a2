"""Reading people from an addressee list and a signature block: name, role, organisation, inspectorate.

Names are told from roles by the words roles are made of (`data/roles.jsonl`), not by knowing
any name; organisations after a role are told by starting with a place or 'NHS'.
"""

from __future__ import annotations

import re
from functools import cache

from .gazetteer import find_area
from .model import Block, Person, Span
from .resources import jsonl

POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
TOKEN = re.compile(r"[^\s,]+|,")


@cache
def words(name: str, kind: str | None = None) -> frozenset[str]:
    return frozenset(w["word"] for w in jsonl(name) if kind is None or w.get("kind") == kind)


def is_role_word(token: str) -> bool:
    word = token.lower().strip("()")
    return word in words("roles.jsonl", "head") or word in words("roles.jsonl", "modifier")


def is_name_token(token: str) -> bool:
    word = token.lower()
    return (
        token[:1].isupper()
        and not is_role_word(token)
        and word not in words("roles.jsonl", "noun")
        and word not in words("honorifics.jsonl")
    )


def tidy(text: str) -> str:
    """A printed name or role as a value: typographic apostrophes straightened, whitespace single."""
    return " ".join(text.replace("’", "'").replace("‘", "'").split())


def join_lines(parts: list[str]) -> str:
    """Lines of a table cell as one text; a word hyphenated at a line end ('Stoke-on-' 'Trent') is rejoined."""
    text = ""
    for part in parts:
        part = part.strip()
        text = f"{text}{part}" if text.endswith("-") else f"{text} {part}".strip()
    return text


def clean_name(tokens: list[str]) -> str:
    kept = [t for t in tokens if t.lower().rstrip(".") not in words("honorifics.jsonl")]
    return " ".join(kept).strip(" ,")


def split_name_role(text: str) -> tuple[str | None, str | None]:
    """'Lorna Fitzjohn HMI Regional Director' -> ('Lorna Fitzjohn', 'Regional Director').

    'HMI' straight after a name is a post-nominal unless the role it opens is an inspector's
    ('HMI Lead Inspector'); honorifics are dropped.
    """
    tokens = text.split()
    i = 0
    while i < len(tokens) and tokens[i].lower().rstrip(".") in words("honorifics.jsonl", "honorific"):
        i += 1
    name_tokens = []
    while i < len(tokens) and is_name_token(tokens[i]) and not tokens[i].endswith(","):
        name_tokens.append(tokens[i])
        i += 1
    if i < len(tokens) and tokens[i].endswith(",") and is_name_token(tokens[i].rstrip(",")):
        name_tokens.append(tokens[i].rstrip(","))
        i += 1
    after_comma = i > 0 and tokens[i - 1].endswith(",")
    rest = " ".join(tokens[i:]).strip(" ,")
    if not after_comma and rest.upper().startswith("HMI") and "inspector" not in rest[3:].lower():
        rest = rest[3:].strip(" ,")
    name = " ".join(name_tokens)
    if len(name_tokens) < 2:
        return None, tidy(rest or text) or None
    return tidy(name), tidy(rest) or None


# --- signature block ---------------------------------------------------------------------------


def body_of(header: str) -> str | None:
    text = header.lower()
    if "care quality" in text or "cqc" in text:
        return "CQC"
    if "ofsted" in text:
        return "Ofsted"
    return None


def signature_people(block: Block, source_text: str) -> list[Person]:
    """The two-column table under the sign-off: Ofsted on the left, CQC on the right (as headed)."""
    lines = [line for line in block.lines if not line.blank]
    if not lines:
        return []
    header = source_text[lines[0].span.start : lines[0].span.end]
    columns = re.split(r"\t| {3,}", header)
    bodies = [body_of(c) for c in columns]
    if not any(bodies):
        bodies, rows = [None], lines
    else:
        rows = lines[1:]
    people: list[list] = []  # [name, role, body, start, end]
    current: dict[int, list] = {}
    for line in rows:
        raw = source_text[line.span.start : line.span.end]
        offset = line.span.start
        for column, cell in enumerate(raw.split("\t") if len(bodies) > 1 else [raw]):
            text = cell.replace("**", "").strip()
            start = offset + len(cell) - len(cell.lstrip())
            offset += len(cell) + 1
            if not text:
                continue
            body = bodies[column] if column < len(bodies) else None
            name, role = split_name_role(text)
            if name:
                person = [name, role, body or body_from_role(role), start, start + len(cell.strip())]
                people.append(person)
                current[column] = person
            elif column in current and role:
                person = current[column]
                person[1] = f"{person[1]} {role}" if person[1] else role
                person[2] = person[2] or body_from_role(role)
                person[4] = start + len(cell.strip())
    return [Person(n, r, None, Span(s, e), b) for n, r, b, s, e in people]


def body_from_role(role: str | None) -> str | None:
    if not role:
        return None
    return "CQC" if re.search(r"\bCQC\b|care quality", role, re.I) else "Ofsted" if re.search(r"\bofsted\b|\bHMI\b|majesty", role, re.I) else None


def signatory(block: Block, source_text: str) -> Person | None:
    """'Simon Mosley / Her Majesty's Inspector' under 'Yours sincerely'."""
    lines = [line for line in block.lines if not line.blank]
    text = " ".join(line.text.strip() for line in lines)
    name, role = split_name_role(text)
    if not name:
        return None
    return Person(name, role, None, Span(lines[0].span.start, lines[-1].span.end), body_from_role(role) or "Ofsted")


# --- addressees --------------------------------------------------------------------------------


def is_address_line(text: str) -> bool:
    tokens = {t.lower().strip(".,") for t in text.split()}
    return bool(POSTCODE.search(text)) or bool(tokens & words("address.jsonl"))


def addressee_segments(block: Block, source_text: str) -> list[tuple[str, int]]:
    """The addressee block without postal addresses, as runs of text (with their start offsets)
    that a blank line or an address separates."""
    segments: list[tuple[str, int]] = []
    parts: list[tuple[str, int]] = []
    in_address = False

    def flush() -> None:
        if parts:
            segments.append((" ".join(p for p, _ in parts), parts[0][1]))
            parts.clear()

    for line in block.lines:
        raw = source_text[line.span.start : line.span.end]
        if line.blank:
            flush()
            in_address = False
            continue
        if in_address or (is_address_line(raw) and not re.search(r"\*\*", raw) and len(raw.split()) <= 6):
            in_address = not POSTCODE.search(raw)
            flush()
            continue
        bold = raw.find("**")
        if bold >= 0 and POSTCODE.search(raw, bold):
            raw = raw[:bold]
            parts.append((raw.replace("**", ""), line.span.start))
            flush()
            continue
        parts.append((raw.replace("**", ""), line.span.start))
    flush()
    return segments


def place_length(tokens: list[str], i: int) -> int:
    """How many tokens from i name a local area (0 if none)."""
    for n in range(min(5, len(tokens) - i), 0, -1):
        if "," in tokens[i : i + n]:
            continue
        if find_area(" ".join(tokens[i : i + n])):
            return n
    return 0


def starts_organisation(tokens: list[str], i: int) -> bool:
    return i < len(tokens) and (tokens[i] == "NHS" or place_length(tokens, i) > 0)


def organisation_end(tokens: list[str], i: int) -> int:
    """Index after an organisation that starts at i: through its head word ('Group'), or the place."""
    heads = words("org-heads.jsonl")
    for j in range(i, min(len(tokens), i + 10)):
        if tokens[j] == ",":
            break
        if tokens[j].lower() in heads:
            return j + 1
    return i + max(1, place_length(tokens, i))


def parse_addressees(segment: str) -> list[tuple[str, str | None, str | None]]:
    tokens = TOKEN.findall(segment)
    honorifics = words("honorifics.jsonl", "honorific")
    people = []
    i = 0
    while i < len(tokens):
        while i < len(tokens) and tokens[i].lower().rstrip(".") in honorifics:
            i += 1
        name = []
        while i < len(tokens) and tokens[i] != "," and is_name_token(tokens[i]):
            name.append(tokens[i])
            i += 1
        if len(name) < 2:
            i += 1
            continue
        if i < len(tokens) and tokens[i] == ",":
            i += 1
        role: list[str] = []
        organisation: list[str] = []
        while i < len(tokens):
            token = tokens[i]
            if token.lower().rstrip(".") in honorifics:
                break
            if token == "," and starts_organisation(tokens, i + 1):
                end = organisation_end(tokens, i + 1)
                organisation = tokens[i + 1 : end]
                i = end
                break
            role.append(token)
            i += 1
        people.append((clean_name(name), join(role), join(organisation)))
    return people


def join(tokens: list[str]) -> str | None:
    text = " ".join(tokens).replace(" ,", ",").strip(" ,")
    return text or None


def addressees(block: Block, source_text: str) -> list[Person]:
    people = []
    for segment, offset in addressee_segments(block, source_text):
        for name, role, organisation in parse_addressees(segment):
            at = source_text.find(name.split()[0], offset)
            start = at if at >= 0 else offset
            people.append(Person(name, role, organisation, Span(start, start + len(name))))
    return people


# --- a 2023 report's local area partnership details ---------------------------------------------

WEBSITE = re.compile(r"www\.|https?:|@|\.(?:gov|nhs|org|co)\.|\.uk\b|^\.?uk$", re.I)


def is_person_line(text: str) -> bool:
    """'Graham Urwin, CEO', 'Tina Russell Director of ...', 'Simon White': a name first, no organisation words."""
    tokens = text.replace(",", " , ").split()
    if any(t.lower() in words("org-heads.jsonl") for t in tokens) or find_area(text.split(",")[0]):
        return False
    name = []
    for token in tokens:
        if token == "," or not is_name_token(token):
            break
        name.append(token)
    if not 2 <= len(name) <= 4:
        return False
    rest = tokens[len(name) :]
    return not rest or rest[0] == "," or is_role_word(rest[0])


def partnership_people(block: Block, source_text: str) -> list[Person]:
    """The table under 'Local area partnership details': per column an organisation, then the
    person who leads it (name and role), then a website and an address."""
    lines = [line for line in block.lines if not line.blank]
    if not lines:
        return []
    columns: list[list[tuple[str, int]]] = [[], []]
    for line in lines[1:]:
        raw = source_text[line.span.start : line.span.end]
        offset = line.span.start
        for index, cell in enumerate(raw.split("\t")[:2]):
            if cell.strip():
                columns[index].append((cell.strip(), offset + len(cell) - len(cell.lstrip())))
            offset += len(cell) + 1
    people = []
    for column in columns:
        texts = [text for text, _ in column]
        first = next((i for i, text in enumerate(texts) if i > 0 and is_person_line(text)), None)
        if first is None:
            continue
        last = next((i for i in range(first + 1, len(texts)) if WEBSITE.search(texts[i])), len(texts))
        organisation = tidy(join_lines(texts[:first])) or None
        name, role = split_name_role(join_lines(texts[first:last]))
        if name:
            start = column[first][1]
            people.append(Person(name, role, organisation, Span(start, start + len(column[first][0]))))
    return people
