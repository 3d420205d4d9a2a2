"""Reading people from an addressee list and a signature block: name, role, organisation, inspectorate.

Names are told from roles by the words roles are made of (`data/roles.jsonl`), not by knowing
any name; organisations after a role are told by starting with a place or 'NHS'.
"""

from __future__ import annotations

import re
from functools import cache

from .gazetteer import find_area
from .model import Block, Layout, Person, Span
from .resources import jsonl

POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
TOKEN = re.compile(r"[^\s,]+|,")  # ¶ (a line break) is a token of its own


@cache
def words(name: str, kind: str | None = None) -> frozenset[str]:
    return frozenset(w["word"] for w in jsonl(name) if kind is None or w.get("kind") == kind)


def is_role_word(token: str) -> bool:
    word = token.lower().strip("(),")
    return word in words("roles.jsonl", "head") or word in words("roles.jsonl", "modifier")


def is_honorific(token: str) -> bool:
    return token.lower().rstrip(".,") in words("honorifics.jsonl", "honorific")


def is_post_nominal(token: str) -> bool:
    return token.lower().strip(".,()") in words("honorifics.jsonl", "post-nominal")


def is_name_token(token: str) -> bool:
    """A word that can be part of a person's name: capitalised ('O'Brien', 'Jackson-Maitland')."""
    word = token.rstrip(",")
    return bool(word) and word[:1].isupper() and not is_honorific(word) and any(c.islower() for c in word[1:] or "x")


def can_open_name(token: str) -> bool:
    word = token.rstrip(",").lower()
    return is_name_token(token) and not is_role_word(word) and word not in words("roles.jsonl", "noun")


def take_name(tokens: list[str], i: int) -> tuple[list[str], int] | None:
    """The shortest run of two to five name words from tokens[i] after which a role, a comma, a
    post-nominal or the end follows: 'Emma Senior HMI Lead Inspector' gives 'Emma Senior', 'Anne
    de Vries, Ofsted Inspector' gives 'Anne de Vries'. None if no name starts there."""
    if i >= len(tokens) or not can_open_name(tokens[i]):
        return None
    particles = words("honorifics.jsonl", "particle")
    name: list[str] = []
    j = i
    while j < len(tokens) and len(name) < 5:
        token = tokens[j]
        if token == ",":
            break
        if token.lower() in particles and name:
            k = j
            while k < len(tokens) and tokens[k].lower() in particles:
                k += 1
            if k < len(tokens) and is_name_token(tokens[k]) and k - j <= 2:
                name.extend(tokens[j:k])
                j = k
                continue
        if not is_name_token(token) or is_post_nominal(token):
            break
        name.append(token.rstrip(","))
        j += 1
        if token.endswith(","):
            return (name, j) if len(name) >= 2 else None
        if len(name) >= 2 and name[-1].lower() not in particles:
            following = tokens[j] if j < len(tokens) else None
            if following is None or following == "," or is_role_word(following) or is_post_nominal(following) or is_honorific(following):
                return name, j
    return (name, j) if len(name) >= 2 and name[-1].lower() not in particles else None


def tidy(text: str) -> str:
    """A printed name or role as a value: as printed (typographic apostrophes kept), whitespace single."""
    return " ".join(text.split())


def join_lines(parts: list[str]) -> str:
    """Lines of a table cell as one text; a word hyphenated at a line end ('Stoke-on-' 'Trent') is rejoined."""
    text = ""
    for part in parts:
        part = part.strip()
        text = f"{text}{part}" if text.endswith("-") else f"{text} {part}".strip()
    return text


def clean_name(text: str) -> str:
    """A name without honorifics or post-nominals: 'Dr Helen O'Donnell HMI' -> "Helen O'Donnell"."""
    kept = [t for t in text.split() if not is_honorific(t) and not is_post_nominal(t)]
    return tidy(" ".join(kept).strip(" ,"))


def split_name_role(text: str) -> tuple[str | None, str | None]:
    """'Lorna Fitzjohn HMI Regional Director' -> ('Lorna Fitzjohn', 'Regional Director').

    'HMI' straight after a name is a post-nominal unless the role it opens is an inspector's
    ('HMI Lead Inspector'), it opens a list ('Hazel Henson HMI, Ofsted') or the name is followed
    by a comma ('Russel Breyer, HMI'); honorifics and other post-nominals (OBE) are dropped.
    """
    tokens = text.replace(",", " , ").split()
    i = 0
    while i < len(tokens) and is_honorific(tokens[i]):
        i += 1
    found = take_name(tokens, i)
    if not found:
        return None, tidy(text.strip(" ,")) or None
    name, i = found
    after_comma = i < len(tokens) and tokens[i] == ","
    while i < len(tokens) and (tokens[i] == "," or (is_post_nominal(tokens[i]) and tokens[i].upper() != "HMI")):
        i += 1
    rest = " ".join(tokens[i:]).replace(" ,", ",").strip(" ,")
    if not after_comma and rest.upper().startswith("HMI") and "inspector" not in rest[3:].lower() and not rest[3:].startswith(","):
        rest = rest[3:].strip(" ,")
    return tidy(" ".join(name)), tidy(rest) or None


# --- signature block ---------------------------------------------------------------------------


def body_of(header: str) -> str | None:
    text = header.lower()
    if "care quality" in text or "cqc" in text:
        return "CQC"
    if "ofsted" in text:
        return "Ofsted"
    return None


CELL_BREAK = re.compile(r"\t| {2,}")


def cells_of(raw: str) -> list[tuple[str, int]]:
    """A table row's cells with their offsets in the row: split at tabs or wide runs of spaces."""
    found, position = [], 0
    for part in CELL_BREAK.split(raw):
        found.append((part, position))
        position += len(part)
        match = CELL_BREAK.match(raw, position)
        position = match.end() if match else position + 1
    return found


def signature_people(block: Block, source_text: str) -> list[Person]:
    """The table under the sign-off: Ofsted on the left, CQC on the right (as headed). A table
    flattened to one column ('Ofsted' and 'Care Quality Commission' on lines of their own, then a
    name and a role per line) takes each person's body from their role, or else from the row order."""
    lines = [line for line in block.lines if not line.blank]
    if not lines:
        return []
    header_cells = [cell for cell, _ in cells_of(source_text[lines[0].span.start : lines[0].span.end]) if cell.strip()]
    bodies = [body_of(cell) for cell in header_cells]
    rows = lines[1:] if any(bodies) else lines
    flattened = len(bodies) == 1 and bool(rows) and body_of(rows[0].text) not in (None, bodies[0])
    if flattened:
        bodies, rows = [bodies[0], body_of(rows[0].text)], rows[1:]
    people: list[list] = []  # [name, role, body, start, end]
    current: dict[int, list] = {}
    for line in rows:
        raw = source_text[line.span.start : line.span.end]
        cells = [(raw, 0)] if flattened or len(bodies) < 2 else cells_of(raw)
        for column, (cell, at) in enumerate(cells):
            text = cell.replace("**", "").strip()
            if not text:
                continue
            start = line.span.start + at + len(cell) - len(cell.lstrip())
            name, role = split_name_role(text)
            if name:
                if flattened:
                    column = len(people) % 2
                body = bodies[column] if column < len(bodies) and not flattened else None
                person = [name, role, body, start, start + len(text)]
                people.append(person)
                current[column] = person
            elif role and (people if flattened else column in current):
                person = people[-1] if flattened else current[column]
                person[1] = f"{person[1]} {role}" if person[1] else role
                person[4] = start + len(text)
    for index, person in enumerate(people):
        person[2] = person[2] or body_from_role(person[1]) or (bodies[index % 2] if flattened else None)
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
    if name and role and split_name_role(role)[0]:
        return None  # not one signatory but a table with its header lost
    if not name:
        return None
    return Person(name, role, None, Span(lines[0].span.start, lines[-1].span.end), body_from_role(role) or "Ofsted")


# --- addressees --------------------------------------------------------------------------------


LINE = "¶"  # a line break inside an addressee entry: a place where an organisation can begin


def is_address_line(text: str) -> bool:
    tokens = {t.lower().strip(".,") for t in text.split()}
    return bool(POSTCODE.search(text)) or bool(tokens & words("address.jsonl"))


def strip_address(raw: str) -> str:
    """An addressee line without the postal address that follows the person: from a bold run, or
    from the words before the first street or building word, to the postcode."""
    postcode = POSTCODE.search(raw)
    if not postcode:
        return raw
    bold = raw.find("**")
    if 0 <= bold < postcode.start():
        return raw[:bold]
    tokens = list(re.finditer(r"\S+", raw[: postcode.start()]))
    heads = words("org-heads.jsonl")
    for index, token in enumerate(tokens):
        if token.group().lower().strip(".,") in words("address.jsonl"):
            first = index
            while first > 0 and index - first < 3 and tokens[first - 1].group()[:1].isupper() and tokens[
                first - 1
            ].group().lower().strip(",") not in heads and not tokens[first - 1].group().endswith(","):
                first -= 1
            return raw[: tokens[first].start()]
    return raw[: postcode.start()]


def addressee_segments(block: Block, source_text: str) -> list[tuple[str, int]]:
    """The addressee block without postal addresses, as runs of text (with their start offsets)
    that a blank line or an address separates; line breaks inside a run are kept as ¶."""
    segments: list[tuple[str, int]] = []
    parts: list[tuple[str, int]] = []
    in_address = False

    def flush() -> None:
        if parts:
            segments.append((f" {LINE} ".join(p for p, _ in parts), parts[0][1]))
            parts.clear()

    for line in block.lines:
        raw = source_text[line.span.start : line.span.end]
        if line.blank:
            flush()
            in_address = False
            continue
        plain = raw.replace("**", "").strip()
        if in_address or (is_address_line(plain) and len(plain.split()) <= 6 and (parts or not split_name_role(plain)[0])):
            in_address = not POSTCODE.search(raw)
            flush()
            continue
        kept = strip_address(raw)
        if kept.strip():
            parts.append((kept.replace("**", ""), line.span.start))
        if kept != raw:
            flush()
    flush()
    return segments


def place_length(tokens: list[str], i: int) -> int:
    """How many tokens from i name a local area (0 if none)."""
    for n in range(min(5, len(tokens) - i), 0, -1):
        if "," in tokens[i : i + n] or LINE in tokens[i : i + n]:
            continue
        if find_area(" ".join(tokens[i : i + n])):
            return n
    return 0


@cache
def strong_heads() -> frozenset[str]:
    return frozenset(w["word"] for w in jsonl("org-heads.jsonl") if not w.get("weak"))


def head_ahead(
    tokens: list[str], i: int, limit: int = 8, heads: frozenset[str] | None = None, cross_lines: bool = False
) -> int | None:
    """Index just after the organisation head word ('Group', 'Council') within reach of i."""
    heads = heads or words("org-heads.jsonl")
    for j in range(i, min(len(tokens), i + limit)):
        if tokens[j] in (LINE, ",") and j > i + 1 and not cross_lines:
            break
        if is_honorific(tokens[j]):
            break
        if tokens[j].lower() in heads:
            return j + 1
    return None


def starts_organisation(tokens: list[str], i: int) -> bool:
    """After a comma or a line break: 'NHS ...', a place, or capitalised words ending in 'Council' or 'Group'."""
    if i >= len(tokens) or not tokens[i][:1].isupper():
        return False
    return tokens[i] == "NHS" or place_length(tokens, i) > 0 or (
        head_ahead(tokens, i, heads=strong_heads()) is not None and not is_role_word(tokens[i])
    )


def organisation_end(tokens: list[str], i: int) -> int:
    """Index after an organisation that starts at i: through its head word ('Group'), or the place."""
    end = head_ahead(tokens, i, limit=14, cross_lines=True)
    return end if end is not None else i + max(1, place_length(tokens, i))


def parse_addressees(segment: str) -> list[tuple[str, str | None, str | None]]:
    tokens = [t for t in TOKEN.findall(segment)]
    people = []
    i = 0
    while i < len(tokens):
        while i < len(tokens) and (is_honorific(tokens[i]) or tokens[i] in (",", LINE)):
            i += 1
        found = take_name(tokens, i)
        if not found:
            i += 1
            continue
        name, i = found
        while i < len(tokens) and (tokens[i] in (",", LINE) or is_post_nominal(tokens[i])):
            i += 1
        role: list[str] = []
        organisation: list[str] = []
        while i < len(tokens):
            token = tokens[i]
            if is_honorific(token):
                break
            if token in (",", LINE) and starts_organisation(tokens, i + 1) and role:
                end = organisation_end(tokens, i + 1)
                organisation = tokens[i + 1 : end]
                i = end
                break
            if token == "NHS" and role:
                end = organisation_end(tokens, i)
                organisation = tokens[i:end]
                i = end
                break
            if role and role[-1].lower() in words("roles.jsonl", "head") | words("org-heads.jsonl"):
                following = take_name(tokens, i)
                if following and (following[1] >= len(tokens) or tokens[following[1]] == "," or is_role_word(tokens[following[1]])):
                    break
            role.append(token)
            i += 1
        people.append((clean_name(" ".join(name)), join(role), join(organisation)))
    return people


def join(tokens: list[str]) -> str | None:
    text = " ".join(t for t in tokens if t != LINE).replace(" ,", ",").strip(" ,")
    return tidy(text) or None


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
    """'Graham Urwin, CEO', 'Tina Russell Director of ...', 'Mrs Jill McGregor, ...': a name first,
    no organisation words."""
    tokens = text.replace(",", " , ").split()
    start = 0
    while start < len(tokens) and is_honorific(tokens[start]):
        start += 1
    found = take_name(tokens, start)
    if found is None or POSTCODE.search(text):
        return False
    name = found[0]
    return not (
        any(t.lower().strip(".,") in words("org-heads.jsonl") | words("address.jsonl") for t in name) or find_area(" ".join(name))
    )


Cell = list[tuple[str, int]]  # a table cell's lines, each with its offset; '' for a blank line


def partnership_columns(layout: Layout, source_text: str) -> list[list[Cell]]:
    """The 'Local area partnership details' table as columns of cells: from the rules the PDF
    draws, or else from the text's lines, each line a cell, split into columns at its tabs."""
    columns: list[list[Cell]] = [[], []]
    if layout.partnership_rows:
        for row in layout.partnership_rows:
            for index, cell in enumerate(row[:2]):
                if cell is not None:
                    lines, offset = [], cell.start
                    for line in source_text[cell.start : cell.end].split("\n"):
                        lines.append((line.strip(), offset + len(line) - len(line.lstrip())))
                        offset += len(line) + 1
                    columns[index].append(lines)
        return columns
    for line in (line for line in layout.partnership.lines if not line.blank):
        offset = line.span.start
        for index, cell in enumerate(source_text[line.span.start : line.span.end].split("\t")[:2]):
            if cell.strip():
                columns[index].append([(cell.strip(), offset + len(cell) - len(cell.lstrip()))])
            offset += len(cell) + 1
    return columns


def partnership_people(layout: Layout, source_text: str) -> list[Person]:
    """The table under 'Local area partnership details': per column a heading, the organisation,
    the person (or people) who lead it, name and role, then a website and an address."""
    people = []
    for column in partnership_columns(layout, source_text):
        cells = column[1:]  # the column's heading
        first = next((i for i, cell in enumerate(cells) if i > 0 and opens_person(cell, 0)), None)
        if first is None:
            continue
        last = next((i for i in range(first + 1, len(cells)) if WEBSITE.search(first_line(cells[i]))), len(cells))
        organisation = tidy(join_lines([text for cell in cells[:first] for text, _ in cell if text])) or None
        lines = [line for cell in cells[first:last] for line in cell + [("", -1)]]
        for group in leaders(lines):
            name, role = split_name_role(join_lines([text for text, _ in group]))
            if name:
                role, body = role_and_body(role, organisation)
                at, text = group[0][1], group[0][0]
                people.append(Person(name, role, body, Span(at, at + len(text))))
    return people


def first_line(cell: Cell) -> str:
    return next((text for text, _ in cell if text), "")


def opens_person(lines: Cell, index: int) -> bool:
    """Line `index` opens a person's entry: a name, then a comma or a role ('Graham Urwin, CEO',
    'Tina Russell Director of ...'), or a name alone with a role on the next line."""
    text = lines[index][0] if index < len(lines) else ""
    if not is_person_line(text):
        return False
    tokens = text.replace(",", " , ").split()
    start = 0
    while is_honorific(tokens[start]):
        start += 1
    _, end = take_name(tokens, start)
    if end < len(tokens):
        return True
    following = next((t for t, _ in lines[index + 1 :] if t), "")
    return bool(following) and is_role_word(following.split()[0])


def leaders(lines: Cell) -> list[Cell]:
    """The people in a column's person cells: a blank line, or a line that opens a person's entry
    after a line that ended a role, starts the next one."""
    groups: list[Cell] = []
    for index, (text, offset) in enumerate(lines):
        if not text:
            if groups and groups[-1]:
                groups.append([])
            continue
        if not groups or (groups[-1] and opens_person(lines, index) and split_name_role(groups[-1][-1][0])[1]):
            groups.append([])
        groups[-1].append((text, offset))
    return [group for group in groups if group]


ORGANISATION_END = re.compile(r"\b(?:Board|Council|ICB|CCG|Group|Trust|Authority)$")


def role_and_body(role: str | None, organisation: str | None) -> tuple[str | None, str | None]:
    """A role without its closing full stop. Under a heading that names several bodies ('Surrey
    Heartlands ICB and Frimley ICB'), a role that ends with one of them ('Acting CEO Surrey
    Heartlands Integrated Care Board') is split: the role, and that body as the person's."""
    if role:
        role = role.rstrip(" .") or None
    if not role or not organisation:
        return role, organisation
    bodies = [part for part in re.split(r"(?<!\s)\s++and\s++(?=[A-Z])", organisation) if ORGANISATION_END.search(part)]
    if len(bodies) < 2 or not ORGANISATION_END.search(role):
        return role, organisation
    openers = {"NHS"} | {body.split()[0] for body in bodies}
    tokens = role.split()
    for index in range(1, len(tokens)):
        if tokens[index] in openers:
            return " ".join(tokens[:index]), " ".join(tokens[index:])
    return role, organisation
