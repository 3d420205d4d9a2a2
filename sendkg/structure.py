"""Stage 2, structure: find the parts of an inspection document and their spans.

Works from the documents' own layout: the title line, the date above the salutation, the
headings (`data/headings.jsonl`), bullets, page-break continuations, the two-column
signature block and the cc list. Nothing here knows any area's, person's or service's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Block, Item, Layout, Line, Section, Source, Span, Table, Verdict
from .resources import jsonl


class NotAnInspection(Exception):
    """The text reads, but it is not a SEND inspection letter, report or a council paper about one."""


MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
DATE_LINE = re.compile(rf"^\s*\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}\s*$", re.I)
TITLE = re.compile(
    r"^\s*joint\s+(?:local\s+)?area\s+(?:send|special\s+educational\s+needs\s+and(?:/or)?\s+disabilit(?:y|ies)"
    r"(?:\s*\(send\))?)\s+(inspection|revisit)\s+(?:in|of)\s+(?P<area>[^\t\d]{2,80}?)\s*$",
    re.I,
)
COUNCIL_REPORT = re.compile(r"\b(report\s+to\s*:|purpose\s+of\s+(the\s+)?report)", re.I)
ABOUT_INSPECTION = re.compile(
    r"joint\s+local\s+area\s+(send\s+)?inspection|joint\s+local\s+area\s+inspection\s+of\s+special\s+educational", re.I
)
BULLET = re.compile(r"^\s*(?:[-–—•■▪◼●◦○·*➢►▸◆♦✓\uf0b7\uf0a7]|o(?=\s)|\(\d+\)|\d{1,2}[.)](?=\s))(?:\s+|$)")
SALUTATION = re.compile(r"^\s*dear\b", re.I)
CC = re.compile(r"^\s*cc\s*:", re.I)
BLANK_PAGE = re.compile(r"this page is intentionally left blank", re.I)
VERDICT = re.compile(r"\b(?:made|making)\b.*\bprogress\b|\bprogress\b.*\b(?:been|was)\s+made\b", re.I)
INSUFFICIENT = re.compile(
    r"\b(?:not|insufficient|no|little|limited|inadequate|minimal)\b[^.]*?\bprogress\b|\bprogress\b[^.]*?\b(?:not|insufficient)\b",
    re.I,
)
NUMBERED_PARAGRAPH = re.compile(r"^\s*(?:[-–•■▪●*]\s+)?\d+\.\d+\b")
NUMBERED_HEADING = re.compile(r"^\s*\d+\.0\b")
MAIN_FINDINGS_INTRO = re.compile(r"(?:main|key|principal)\s+findings\b.*:\s*$|\bfindings\s+(?:of\s+the\s+\w+\s+)?(?:include|were|are)\b.*:\s*$", re.I)
TERMINAL = re.compile(r"[.!?:;][\"'’”)\]]*\s*$")
SENTENCE_END = re.compile(r"[.!?][\"'’”)\]]*\s*$")
NUMBERED_ITEM = re.compile(r"^\s*\d{1,2}[.)]\s")  # '1. Leaders should ...': a table row, not a sub-bullet
MARKUP = re.compile(r"\*\*|__|^\s{0,3}#{1,6}\s+|(?<=\S)\*(?=[\s.,;:)]|$)|(?<=[\s(])\*(?=\S)")


def split_lines(text: str) -> list[Line]:
    """Every line with its span; `text` has markdown emphasis removed."""
    lines, offset = [], 0
    for raw in text.split("\n"):
        lines.append(Line(Span(offset, offset + len(raw)), MARKUP.sub("", raw).rstrip()))
        offset += len(raw) + 1
    return lines


@dataclass(frozen=True)
class Heading:
    pattern: re.Pattern
    section: str | None
    polarity: str | None
    end: bool
    prose: bool
    table: bool
    initial_only: bool  # the Written Statement of Action list: not in a revisit letter


def headings(framework: str) -> list[Heading]:
    return [
        Heading(
            re.compile(h["pattern"], re.I),
            h.get("section"),
            h.get("polarity"),
            h.get("end", False),
            h.get("prose", False),
            h.get("table", False),
            h.get("initial_only", False),
        )
        for h in jsonl("headings.jsonl")
        if h.get("framework", framework) == framework
    ]


def match_heading(line: Line, known: list[Heading]) -> Heading | None:
    text = line.text.strip().rstrip(".").strip()
    if not text or BULLET.match(line.text):
        return None
    for heading in known:
        if heading.prose:
            if heading.pattern.search(line.text.strip()):
                return heading
        elif len(text) < 250 and heading.pattern.search(text):
            return heading
    return None


def structure(source: Source) -> Layout:
    lines = split_lines(source.text)
    titles = [i for i, line in enumerate(lines) if TITLE.match(line.text)]
    # In council papers a cover report may be headed like the letter: the letter's title follows 'Dear ...'.
    title_index = next(
        (i for i in titles if any(SALUTATION.match(l.text) for l in lines[max(0, i - 15) : i])), titles[0] if titles else None
    )
    if title_index is not None:
        return structure_letter(source, lines, title_index)
    report_title = REPORT_TITLE.search(source.text[:1500])
    if report_title:
        return structure_report(source, lines, report_title)
    head = source.text[:4000]
    if COUNCIL_REPORT.search(head) and ABOUT_INSPECTION.search(source.text):
        return structure_council_report(source, lines)
    raise NotAnInspection("not a SEND inspection document (no 'Joint local area SEND inspection' title)")


def structure_letter(source: Source, lines: list[Line], title_index: int) -> Layout:
    warnings: list[str] = list(source.warnings)
    kind = TITLE.match(lines[title_index].text).group(1).lower()
    salutation = last_index(lines, title_index, lambda line: SALUTATION.match(line.text))
    date_index = last_index(lines, salutation if salutation is not None else title_index, lambda line: DATE_LINE.match(line.text))
    if date_index is None:
        warnings.append("no letter date above the salutation")
    start_index = date_index if date_index is not None else title_index
    start_index = letterhead_start(lines, start_index)

    addressees = None
    if date_index is not None and salutation is not None and salutation > date_index + 1:
        addressees = block(lines[date_index + 1 : salutation])

    sections, verdicts, end_index = read_sections(source.text, lines, title_index + 1, warnings, revisit=kind == "revisit")
    signatory, signature, cc, body_end = read_sign_off(lines, end_index)
    return Layout(
        source=source,
        document_kind="revisit-letter" if kind == "revisit" else "letter",
        framework="2016",
        body=Span(lines[start_index].span.start, lines[body_end].span.end),
        title=lines[title_index].span,
        letter_date=lines[date_index].span if date_index is not None else None,
        addressees=addressees,
        signature=signature,
        signatory=signatory,
        cc=cc,
        sections=sections,
        verdicts=verdicts,
        warnings=tuple(warnings),
    )


def last_index(lines: list[Line], before: int, test) -> int | None:
    for i in range(before - 1, -1, -1):
        if test(lines[i]):
            return i
    return None


def letterhead_start(lines: list[Line], date_index: int) -> int:
    """The inspectorate's address block above the letter date, if there is one close by."""
    start = date_index
    for i in range(date_index - 1, max(-1, date_index - 30), -1):
        if BLANK_PAGE.search(lines[i].text):
            break
        if lines[i].text.strip().lower().startswith("ofsted"):
            start = i
    return start


def block(lines: list[Line]) -> Block | None:
    kept = [line for line in lines if not line.blank]
    if not kept:
        return None
    return Block(Span(kept[0].span.start, kept[-1].span.end), tuple(lines))


def content_span(line: Line, source_text: str) -> tuple[int, str]:
    """Offset in the source where a line's content starts (after any bullet), and that content."""
    raw = source_text[line.span.start : line.span.end]
    marker = BULLET.match(raw)
    skip = marker.end() if marker else len(raw) - len(raw.lstrip())
    return line.span.start + skip, MARKUP.sub("", raw[skip:]).strip()


class ItemBuilder:
    """Collects bullets, joining a bullet split across a page break into one item."""

    def __init__(self, source_text: str):
        self.text = source_text
        self.items: list[Item] = []
        self.paragraphs: list[Item] = []  # a section's prose, its items if it has no bullets at all

    def paragraph(self, line: Line) -> None:
        """Prose under a heading: kept in case the conversion lost the bullet marks."""
        start, content = content_span(line, self.text)
        if not content:
            return
        last = self.paragraphs[-1] if self.paragraphs else None
        if last and not TERMINAL.search(last.text):
            self.paragraphs[-1] = Item(f"{last.text} {content}", Span(last.span.start, line.span.end))
        else:
            self.paragraphs.append(Item(content, Span(start, line.span.end)))

    def add(self, line: Line) -> None:
        start, content = content_span(line, self.text)
        if content:
            self.items.append(Item(content, Span(start, line.span.end)))

    def continues(self, line: Line, bulleted: bool) -> bool:
        """A page break leaves a bullet's tail as a new paragraph (sometimes with its own marker)."""
        if not self.items or TERMINAL.search(self.items[-1].text):
            return False
        _, content = content_span(line, self.text)
        if not content:
            return False
        if not bulleted:
            return True
        # A marked line continues the last item only when that item is a sentence cut short, not
        # when the list itself is of lower-case fragments ('the lack of joint commissioning').
        return content[0].islower() and self.items[-1].text[:1].isupper()

    def take(self, line: Line) -> bool:
        """Add a bullet, or join a page-break continuation to the last one; False for other prose."""
        bulleted = bool(BULLET.match(line.text))
        if self.continues(line, bulleted):
            self.extend(line)
        elif bulleted:
            self.add(line)
        else:
            return False
        return True

    def extend(self, line: Line) -> None:
        _, content = content_span(line, self.text)
        last = self.items[-1]
        self.items[-1] = Item(f"{last.text} {content}", Span(last.span.start, line.span.end))


def read_sections(
    text: str, lines: list[Line], begin: int, warnings: list[str], revisit: bool = False
) -> tuple[tuple[Section, ...], tuple[Verdict, ...], int]:
    """Walk the letter body from the title to the sign-off: headings switch section, bullets become items.

    Returns the sections, a revisit's verdicts, and the index of the line that ended the body.
    """
    known = [h for h in headings("2016") if not (revisit and h.initial_only)]
    sections: list[Section] = []
    verdicts: list[Verdict] = []
    section = polarity = None
    heading_span: Span | None = None
    builder: ItemBuilder | None = None
    since_verdict = 0
    end = len(lines)

    def close() -> None:
        if builder and section and polarity:
            items = builder.items or builder.paragraphs
            if items:
                sections.append(Section(section, polarity, heading_span, tuple(items)))

    for index in range(begin, len(lines)):
        line = lines[index]
        if line.blank:
            continue
        wraps = index > 0 and not lines[index - 1].blank and builder is not None and bool(builder.items) and (
            builder.items[-1].span.end == lines[index - 1].span.end
        )
        heading = match_heading(line, known)
        if heading and heading.end:
            end = index
            break
        if heading:
            close()
            if heading.section:
                section, polarity = heading.section, heading.polarity
            elif section:
                polarity = heading.polarity
            heading_span, builder, since_verdict = line.span, ItemBuilder(text), 0
            continue
        if builder is None:
            continue
        text_line = line.text.strip()
        if revisit and not BULLET.match(line.text) and len(text_line) < 300 and VERDICT.search(text_line):
            block_items = builder.items[since_verdict:]
            if block_items:
                weakness = next(
                    (it for it in block_items if it.text.lower().startswith("the initial inspection found")), block_items[0]
                )
                progress = "insufficient" if INSUFFICIENT.search(text_line) else "sufficient"
                verdicts.append(Verdict(weakness, progress, line.span))
            else:
                warnings.append(f"a progress verdict with no weakness before it at offset {line.span.start}")
            since_verdict = len(builder.items)
            continue
        if wraps and builder.items and not BULLET.match(line.text) and not match_heading(line, known):
            builder.extend(line)  # a line wrapped inside a bullet (text laid out line by line, as from a PDF)
        elif not builder.take(line):
            builder.paragraph(line)
    close()
    if not sections:
        warnings.append("no findings sections found")
    return tuple(sections), tuple(verdicts), end


def read_sign_off(lines: list[Line], begin: int) -> tuple[Block | None, Block | None, Block | None, int]:
    """After 'Yours sincerely': who signed, the two-column signature table, and the cc list.

    Returns (signatory, signature table, cc list, index of the last line of the letter).
    """
    if begin >= len(lines):
        return None, None, None, len(lines) - 1
    index = begin + 1
    signatory: list[Line] = []
    table: list[Line] = []
    cc: list[Line] = []
    last = begin
    while index < len(lines) and not CC.match(lines[index].text) and not BLANK_PAGE.search(lines[index].text):
        line = lines[index]
        if not line.blank:
            if "\t" in line.text or table or is_inspectorate_header(line.text):
                table.append(line)
            else:
                signatory.append(line)
            last = index
        index += 1
    if index < len(lines) and CC.match(lines[index].text):
        while index < len(lines) and not lines[index].blank and not BLANK_PAGE.search(lines[index].text):
            cc.append(lines[index])
            last = index
            index += 1
    return block(signatory) if signatory else None, block(table) if table else None, block(cc) if cc else None, last


INSPECTORATE_HEADER = re.compile(r"^\s*(?:ofsted(?:\s+(?:care\s+quality\s+commission|cqc))?|care\s+quality\s+commission)\s*$", re.I)


def is_inspectorate_header(text: str) -> bool:
    return bool(INSPECTORATE_HEADER.match(text))


def structure_council_report(source: Source, lines: list[Line]) -> Layout:
    """A council committee report about an inspection: record the findings it quotes.

    The findings are the bullets after a sentence introducing the main findings, up to the
    next numbered paragraph or heading.
    """
    warnings: list[str] = list(source.warnings)
    intro = next((i for i, line in enumerate(lines) if MAIN_FINDINGS_INTRO.search(line.text)), None)
    sections: tuple[Section, ...] = ()
    if intro is None:
        warnings.append("no list of main findings in the council report")
    else:
        builder = ItemBuilder(source.text)
        for line in lines[intro + 1 :]:
            if line.blank:
                continue
            if NUMBERED_PARAGRAPH.match(line.text) or NUMBERED_HEADING.match(line.text):
                break
            builder.take(line)
        if builder.items:
            sections = (Section("main", "finding", lines[intro].span, tuple(builder.items)),)
    return Layout(
        source=source,
        document_kind="council-report",
        framework="2016",
        body=Span(0, len(source.text)),
        sections=sections,
        warnings=tuple(warnings),
    )


REPORT_TITLE = re.compile(
    r"area\s+send\s+(?P<monitoring>monitoring\s+)?(?:inspection|visit)\s+of\s+(?P<area>.+?)\s+local\s+area\s+partnership",
    re.I | re.S,
)
TABLE_HEADER = re.compile(r"^\s*responsible\s+body\b", re.I)


def paragraphs(lines: list[Line], known: list[Heading]) -> list[list[Line]]:
    """Runs of lines between blank lines; a heading or a bullet also starts a new run."""
    runs: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                runs.append(current)
            current = []
            continue
        if current and (match_heading(line, known) or BULLET.match(line.text) or match_heading(current[-1], known)):
            runs.append(current)
            current = []
        current.append(line)
    if current:
        runs.append(current)
    return runs


def cells(line: Line) -> list[str]:
    return [cell.strip() for cell in line.text.split("\t")]


class TableBuilder:
    """Rows of a report's table, read line by line.

    In a two-column table (responsible body | action) a row starts at a line with text in the left
    column once the previous row's text has ended a sentence; in a one-column table, at a line that
    opens a sentence (not a sub-bullet) after one that ended it. Anything else continues the row:
    wrapped lines, sub-bullets, a row split by a page break.
    """

    def __init__(self, known: list[Heading]) -> None:
        self.rows: list[tuple[list[str], list[str], Span]] = []
        self.two_columns = False
        self.headings = [h.pattern for h in known if h.table]

    def add(self, paragraph: list[Line]) -> None:
        for line in paragraph:
            if TABLE_HEADER.match(line.text) or self.is_header(line):
                self.two_columns = self.two_columns or "\t" in line.text
                continue
            self.two_columns = self.two_columns or "\t" in line.text
            parts = cells(line)
            ended = not self.rows or SENTENCE_END.search(" ".join(self.rows[-1][1]))
            if self.two_columns:
                left_open = bool(self.rows) and bool(self.rows[-1][0]) and re.search(r"(?:\band|,|&)\s*$", self.rows[-1][0][-1])
                starts = bool(parts[0]) and ended and not left_open
            else:
                numbered = NUMBERED_ITEM.match(line.text)
                starts = ended and (numbered or not BULLET.match(line.text)) and (parts[0][:1].isupper() or parts[0][:1].isdigit())
            if starts or not self.rows:
                self.rows.append(([], [], line.span))
            left, right, span = self.rows[-1]
            if self.two_columns:
                if parts[0]:
                    left.append(parts[0])
                right.extend(p for p in parts[1:] if p)
            else:
                right.append(" ".join(parts))
            self.rows[-1] = (left, right, Span(span.start, line.span.end))

    def is_header(self, line: Line) -> bool:
        """A table repeats its section's heading as a column header."""
        return any(pattern.search(cell) for cell in cells(line) for pattern in self.headings)

    def items(self) -> list[Item]:
        result = []
        for left, right, span in self.rows:
            text = " ".join(" ".join(right).split())
            if text:
                result.append(Item(text, span, " ".join(" ".join(left).split()) or None))
        return result


def ruled_rows(source: Source, begin: int, end: int) -> list[tuple[Table, tuple[Span | None, ...]]]:
    """The rows of the PDF's ruled tables whose text lies between two offsets."""
    return [
        (table, row)
        for table in source.tables
        for row in table.rows
        if begin <= next((cell.start for cell in row if cell), -1) < end
    ]


def ruled_items(source: Source, rows: list[tuple[Table, tuple[Span | None, ...]]], header_patterns: list[re.Pattern]) -> list[Item]:
    """A ruled table's rows as items: the last cell is the row's text, a cell before it the body
    responsible. A row split by a page break (the table goes on at the top of the next page with
    a row that does not open a new sentence) is one item; a header row is none; a cell that
    numbers its paragraphs ('1. Leaders should ...', '2. ...') holds one row per number."""
    items: list[Item] = []
    previous: Table | None = None
    for table, row in rows:
        texts = [" ".join(source.quote(cell).split()) if cell else "" for cell in row]
        if row[-1] is None or all(
            not text or TABLE_HEADER.match(text) or any(p.search(text) for p in header_patterns) for text in texts
        ):
            continue
        responsible = texts[0] if len(row) > 1 and texts[0] else None
        parts = numbered_parts(source, row[-1])
        turned_page = previous is not None and table is not previous and previous.ends_page and table.starts_page
        if items and turned_page and continues_row(items[-1].text, parts[0][0]):
            last = items[-1]
            body = " ".join(filter(None, [last.responsible, responsible])) or None
            items[-1] = Item(f"{last.text} {parts[0][0]}", Span(last.span.start, parts[0][1].end), body)
            parts = parts[1:]
        items += [Item(text, span, responsible) for text, span in parts]
        previous = table
    return items


NUMBER_AFTER_SPACE = re.compile(r"(?<!\s)\s+(?=\d{1,2}[.)]\s)")  # a run of space before '1.' or '2)'


def numbered_parts(source: Source, cell: Span) -> list[tuple[str, Span]]:
    """A cell's text, or its numbered paragraphs one by one, each with its span."""
    text = source.quote(cell)
    starts = [0]
    if NUMBERED_ITEM.match(text):
        runs = NUMBER_AFTER_SPACE.finditer(text)
        starts += [run.start() + run.group().index("\n\n") + 2 for run in runs if "\n\n" in run.group()]
    parts = []
    for begin, end in zip(starts, starts[1:] + [len(text)]):
        part = text[begin:end].rstrip()
        parts.append((" ".join(part.split()), Span(cell.start + begin, cell.start + begin + len(part))))
    return parts


def continues_row(before: str, text: str) -> bool:
    """After a page break, a row's text goes on when the row before was cut mid-sentence or this
    text does not open one (a lower-case word, a sub-bullet)."""
    if NUMBERED_ITEM.match(text):
        return False
    return not SENTENCE_END.search(before) or text[:1].islower() or bool(BULLET.match(text))


def joined(paragraph: list[Line], text: str) -> Item:
    """A paragraph's lines as one item (a finding printed without its bullet mark)."""
    start, _ = content_span(paragraph[0], text)
    words = " ".join(content_span(line, text)[1] for line in paragraph)
    return Item(" ".join(words.split()), Span(start, paragraph[-1].span.end))


def structure_report(source: Source, lines: list[Line], title: re.Match) -> Layout:
    """A 2023-framework Area SEND inspection report: headed sections of bullets and tables."""
    known = headings("2023")
    warnings: list[str] = list(source.warnings)
    sections: list[Section] = []
    blocks: dict[str, list[Line]] = {}
    section: Heading | None = None
    heading_span: Span | None = None
    builder: ItemBuilder | None = None
    table: TableBuilder | None = None
    end = len(source.text)

    def close(until: int) -> None:
        if section is None or section.polarity is None:
            return
        if table:
            ruled = ruled_rows(source, heading_span.end, until)
            items = ruled_items(source, ruled, table.headings) if ruled else table.items()
        else:
            items = (builder.items or builder.paragraphs) if builder else []
        if items:
            sections.append(Section(section.section, section.polarity, heading_span, tuple(items)))

    for paragraph in paragraphs(lines, known):
        heading = match_heading(paragraph[0], known)
        if heading and heading.end:
            end = paragraph[0].span.start
            break
        if heading:
            if section is not None and heading.section == section.section:
                continue  # a table repeats its section's heading as its own header
            close(paragraph[0].span.start)
            section, heading_span = heading, paragraph[0].span
            builder = ItemBuilder(source.text) if heading.polarity and not heading.table else None
            table = TableBuilder(known) if heading.table else None
            continue
        if section is None:
            continue
        blocks.setdefault(section.section, []).extend(paragraph)
        if table:
            table.add(paragraph)
        elif builder and builder.take(paragraph[0]):
            for line in paragraph[1:]:
                builder.extend(line)
        elif builder:
            builder.paragraphs.append(joined(paragraph, source.text))
    close(end)
    if not sections:
        warnings.append("no findings sections found")

    def block_of(name: str) -> Block | None:
        return block(blocks[name]) if name in blocks else None

    partnership = block_of("partnership-details")
    partnership_rows = ruled_rows(source, partnership.span.start, partnership.span.end) if partnership else []

    return Layout(
        source=source,
        document_kind="report",
        framework="2023",
        body=Span(0, end),
        title=Span(title.start(), title.end()),
        outcome=block_of("outcome"),
        partnership=partnership,
        partnership_rows=tuple(row for _, row in partnership_rows),
        signature=block_of("team"),
        sections=tuple(sections),
        warnings=tuple(warnings),
    )
