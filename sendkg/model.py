"""Typed records passed between the pipeline stages.

Every value that comes from a document carries the `Span` it was read from, so the graph
can say where each fact stands in its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True, order=True)
class Span:
    """Character offsets into `Source.text` (end exclusive)."""

    start: int
    end: int


@dataclass(frozen=True)
class Table:
    """A table drawn with rules on one PDF page: rows top to bottom, each a tuple of its cells
    left to right (the span of a cell's text, or None for an empty cell)."""

    page: int
    rows: tuple[tuple[Span | None, ...], ...]
    starts_page: bool = False  # nothing but the running header above it
    ends_page: bool = False  # nothing but the running footer below it


@dataclass(frozen=True)
class Source:
    """A document as read: its text and where it came from."""

    path: Path
    text: str
    sha256: str
    media_type: str  # "text/plain", "text/markdown", "application/pdf"
    page_starts: tuple[int, ...] = ()  # character offset at which each page begins (PDF only)
    tables: tuple[Table, ...] = ()  # tables drawn with rules (PDF only), in reading order
    warnings: tuple[str, ...] = ()  # what could not be read but did not stop the rest (a PDF page)

    @property
    def name(self) -> str:
        return self.path.name

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def page_of(self, offset: int) -> int | None:
        if not self.page_starts:
            return None
        page = 0
        for number, start in enumerate(self.page_starts, start=1):
            if start <= offset:
                page = number
        return page


@dataclass(frozen=True)
class Line:
    """One line of the source with markup removed from `text` but offsets kept."""

    span: Span
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class Item:
    """A bullet (or a table row) with any continuation after a page break joined on."""

    text: str
    span: Span
    responsible: str | None = None  # a priority action's responsible body, as printed


@dataclass(frozen=True)
class Section:
    """A titled run of items, e.g. the Strengths of 'identifying', or the WSOA list."""

    section: str  # code: main, identifying, meeting, outcomes, significant-weaknesses, ...
    polarity: str  # code: finding, strength, development, significant-weakness, ...
    heading: Span
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Verdict:
    """A revisit's judgement on one weakness found at the initial inspection."""

    weakness: Item
    progress: str  # "sufficient" | "insufficient"
    statement: Span


@dataclass(frozen=True)
class Block:
    """A run of lines the structure stage recognised, kept for the extract stage to read."""

    span: Span
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Layout:
    """What the structure stage found in a document, each piece with its span."""

    source: Source
    document_kind: str  # letter | revisit-letter | council-report | report
    # (a report's inspection kind, full or monitoring, is read from its title by the extract stage)
    framework: str  # "2016" | "2023"
    body: Span  # the part of the source that is the inspection document itself
    title: Span | None = None
    letter_date: Span | None = None
    addressees: Block | None = None
    signature: Block | None = None
    signatory: Block | None = None
    cc: Block | None = None
    outcome: Block | None = None  # a 2023 report's 'Inspection outcome' section
    partnership: Block | None = None  # a 2023 report's 'Local area partnership details' table
    partnership_rows: tuple[tuple[Span | None, ...], ...] = ()  # its cells, when the PDF draws it with rules
    sections: tuple[Section, ...] = ()
    verdicts: tuple[Verdict, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Valued:
    """A value read from the text, with the span that states it."""

    value: str
    span: Span


@dataclass(frozen=True)
class DateValue:
    value: date
    span: Span


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None
    organisation: str | None
    span: Span
    body: str | None = None  # "Ofsted" | "CQC" for the inspection team


@dataclass(frozen=True)
class Mention:
    """A named entity in the text: area, health body, organisation, statute."""

    label: str  # LOCAL_AREA, HEALTH_BODY, ORGANISATION, STATUTE
    text: str  # normalised name as printed
    span: Span
    key: str  # resolution key (GSS code for an area, normalised name otherwise)
    kind: str | None = None  # organisation type code, or ccg/icb


@dataclass(frozen=True)
class ThemeMatch:
    """A theme a finding is about, with the evidence: the words that matched its labels, and the
    theme model's likelihood."""

    theme: str  # the theme's notation, e.g. 'local-offer'
    words: tuple[str, ...]
    score: float | None = None


@dataclass(frozen=True)
class Quantity:
    """A number a finding states, with what it counts."""

    value: Decimal
    unit: str  # "percent" | "count"
    counts: str  # what the number counts, as printed
    text: str  # the words that state it
    start: int  # offset in the finding's text
    end: int


@dataclass(eq=False)
class Extraction:
    """Everything the extract stage read from one document."""

    layout: Layout
    area: Mention | None = None
    inspection_kind: str | None = None
    start: DateValue | None = None
    end: DateValue | None = None
    letter_date: DateValue | None = None
    previous_start: DateValue | None = None
    previous_end: DateValue | None = None
    outcome: Valued | None = None
    next_steps: Valued | None = None
    lead_inspector: Person | None = None
    team: list[Person] = field(default_factory=list)
    addressees: list[Person] = field(default_factory=list)
    copied_to: list[Valued] = field(default_factory=list)  # the cc list, one recipient each
    mentions: list[Mention] = field(default_factory=list)
    themes: dict[tuple[str, str, int], list[ThemeMatch]] = field(default_factory=dict)  # by finding
    quantities: dict[tuple[str, str, int], list[Quantity]] = field(default_factory=dict)  # by finding
    warnings: list[str] = field(default_factory=list)

    @property
    def source(self) -> Source:
        return self.layout.source
