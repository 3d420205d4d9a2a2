"""Text of a PDF, laid out as the page shows it, with pypdfium2 (PDFium).

PDFium gives every character with its box. Characters are grouped into the page's visual lines
(top to bottom, left to right); a wide horizontal gap inside a line is a column break and becomes
a tab, so a two-column table reads 'Joanna Warburton, Ofsted HMI<TAB>Louise Holland, CQC
Inspector' instead of running the two people together. A word that starts where a neighbouring
line's second column starts is a column break too, however narrow the gap before it.

Tables drawn with rules (PDFium's path objects: thin filled rectangles or stroked lines) are read
as tables: the rules give the rows and the cells, each cell's characters are laid out on their
own, and the text gives the table cell by cell, a blank line between cells, so that each cell is
one run of text with its own span (`Table`). Running headers and footers (lines in the page
margins that repeat on other pages, page numbers) are left out. Pages are separated by a blank
line, as in the text letters, and the offset at which each page starts is kept.
"""

from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .model import Span, Table

MARGIN = 0.11  # share of the page height at top and bottom where running headers and footers sit
COLUMN_GAP = 0.85  # a gap wider than this many font sizes separates two columns (a word space is ~0.4)
INDENTED_COLUMN = 0.25  # a line starting this share of the page width in from the margin is in a right column
PARAGRAPH_GAP = 1.25  # a line further below the one above than this many usual line spacings starts a paragraph
LINE_TOLERANCE = 0.45  # characters whose baselines differ by less than this many font sizes share a line
STOP_TOLERANCE = 2.5  # points: a word this close to where a neighbouring line's column starts starts that column
NEIGHBOUR = 2.2  # lines whose baselines are this many font sizes apart or closer are neighbours (for column stops)
RULE = 2.0  # points: a drawn rule is thinner than this
ALIGN = 3.0  # points: rule ends this close together meet


BULLETS = {"▪", "•", "■", "●", "◦", "-", "–", "*"}


class PdfError(Exception):
    """The PDF cannot be read; the message says why in a few words."""


@dataclass
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    size: float


@dataclass
class VisualLine:
    glyphs: list[Glyph]
    baseline: float
    top: float
    stops: set[float] = field(default_factory=set)  # where neighbouring lines' later columns start

    def text(self) -> str:
        glyphs = sorted(self.glyphs, key=lambda g: g.left)
        out: list[str] = []
        previous: Glyph | None = None
        for glyph in glyphs:
            if previous is not None:
                gap = glyph.left - previous.right
                size = max(glyph.size, previous.size, 1.0)
                at_stop = gap > 0.22 * size and any(abs(glyph.left - stop) <= STOP_TOLERANCE for stop in self.stops)
                if (gap > COLUMN_GAP * size or at_stop) and "".join(out).strip() not in BULLETS:
                    while out and out[-1] == " ":
                        out.pop()
                    out.append("\t")
                elif gap > 0.22 * size and out and out[-1] not in " \t" and glyph.char != " ":
                    out.append(" ")
            if glyph.char == " ":
                if out and out[-1] not in " \t":
                    out.append(" ")
            else:
                out.append(glyph.char)
            previous = glyph
        return "".join(out).strip(" ")

    def column_starts(self, margin: float, width: float) -> set[float]:
        """Where this line's second and later columns start: after a wide gap, or its first word
        when that stands in a right-hand column."""
        glyphs = sorted((g for g in self.glyphs if g.char != " "), key=lambda g: g.left)
        starts = {g.left for g, before in zip(glyphs[1:], glyphs) if g.left - before.right > COLUMN_GAP * max(g.size, before.size, 1.0)}
        if glyphs and glyphs[0].left - margin > INDENTED_COLUMN * width:
            starts.add(glyphs[0].left)
        return starts


def share_column_stops(lines: list[VisualLine], margin: float, width: float) -> None:
    """Give each line the column starts of the lines just above and below it: a table laid out
    with tab stops ('Gaynor Roberts, Ofsted HMI, lead inspector Lesley Perry, CQC lead
    inspector') is split where its neighbours' second column starts."""
    starts = [line.column_starts(margin, width) for line in lines]
    for index, line in enumerate(lines):
        for other in (index - 2, index - 1, index + 1, index + 2):
            if 0 <= other < len(lines) and abs(lines[other].baseline - line.baseline) <= NEIGHBOUR * line_size(line):
                line.stops |= starts[other]


def line_size(line: VisualLine) -> float:
    return max((g.size for g in line.glyphs), default=10.0)


def glyphs_of(page) -> list[Glyph]:
    textpage = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    try:
        glyphs = []
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            if code in (0, 0xFFFE, 0xFFFF) or chr(code) in "\r\n":
                continue
            char = chr(code)
            if char in "\u00a0\u2002\u2003\u2009":
                char = " "
            if char == "\ufffe" or char == "\x02":  # PDFium's soft hyphen at a line end
                char = "-"
            pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) or (top.value - bottom.value)
            baseline = bottom.value
            if pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y):
                baseline = y.value  # the same for 'g', 'e' and an apostrophe
            glyphs.append(Glyph(char, left.value, baseline, right.value, top.value, size))
        return glyphs
    finally:
        textpage.close()


def visual_lines(glyphs: list[Glyph]) -> list[VisualLine]:
    """Glyphs grouped by baseline into lines, top of the page first; each space joins the line
    whose baseline is nearest."""
    lines: list[VisualLine] = []
    for glyph in sorted((g for g in glyphs if g.char != " "), key=lambda g: (-round(g.bottom, 1), g.left)):
        for line in reversed(lines[-3:]):
            if abs(line.baseline - glyph.bottom) < LINE_TOLERANCE * glyph.size:
                line.glyphs.append(glyph)
                break
        else:
            lines.append(VisualLine([glyph], glyph.bottom, glyph.top))
    lines.sort(key=lambda line: line.baseline)
    baselines = [line.baseline for line in lines]
    for space in (g for g in glyphs if g.char == " "):
        index = bisect.bisect_left(baselines, space.bottom)
        near = min(
            (i for i in (index - 1, index) if 0 <= i < len(lines)),
            key=lambda i: abs(baselines[i] - space.bottom),
            default=None,
        )
        if near is not None and abs(baselines[near] - space.bottom) < LINE_TOLERANCE * space.size:
            lines[near].glyphs.append(space)
    lines.reverse()
    return lines


def indent(line: VisualLine, margin: float, width: float) -> str:
    """A line that starts in a right-hand column (its left cell empty) begins with a tab."""
    start = min(g.left for g in line.glyphs if g.char != " ")
    return "\t" if start - margin > INDENTED_COLUMN * width else ""


def running_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


@dataclass(frozen=True)
class Rule:
    """A drawn line: horizontal (at y, from low to high x) or vertical (at x, from low to high y)."""

    at: float
    low: float
    high: float


def rules_of(page) -> tuple[list[Rule], list[Rule]]:
    """The page's horizontal and vertical rules: thin filled rectangles, or the edges of stroked
    shapes; pieces of one line that touch are one rule."""
    horizontal: list[Rule] = []
    vertical: list[Rule] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=8):
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height < RULE and width > 2 * RULE:
            horizontal.append(Rule((bottom + top) / 2, left, right))
        elif width < RULE and height > 2 * RULE:
            vertical.append(Rule((left + right) / 2, bottom, top))
        elif width >= RULE and height >= RULE:
            pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
            rectangle = pdfium_c.FPDFPath_CountSegments(obj.raw) in (4, 5)
            if stroke.value and not fill.value and rectangle:  # an outlined box: its four edges
                horizontal += [Rule(bottom, left, right), Rule(top, left, right)]
                vertical += [Rule(left, bottom, top), Rule(right, bottom, top)]
    return joined(horizontal), joined(vertical)


def joined(rules: list[Rule]) -> list[Rule]:
    out: list[Rule] = []
    for rule in sorted(rules, key=lambda r: (round(r.at), r.low)):
        last = out[-1] if out else None
        if last and abs(last.at - rule.at) <= 1.0 and rule.low <= last.high + ALIGN:
            out[-1] = Rule(last.at, last.low, max(last.high, rule.high))
        else:
            out.append(rule)
    return out


@dataclass
class Grid:
    """A ruled table on a page: the y of each row's top and bottom, and per row the x of its cells' edges."""

    rows: list[tuple[float, float]]  # (top, bottom), top of the page first
    edges: list[list[float]]  # per row, the x of the vertical rules that bound its cells

    def cell_of(self, glyph: Glyph) -> tuple[int, int] | None:
        x = (glyph.left + glyph.right) / 2
        y = glyph.bottom + 0.3 * glyph.size
        for r, (top, bottom) in enumerate(self.rows):
            if bottom <= y <= top:
                edges = self.edges[r]
                for c, (left, right) in enumerate(zip(edges, edges[1:])):
                    if left <= x <= right:
                        return r, c
        return None

    @property
    def top(self) -> float:
        return self.rows[0][0]


def grids(horizontal: list[Rule], vertical: list[Rule]) -> list[Grid]:
    """Tables from the rules: horizontal rules joined by vertical ones form one table; each band
    between two of its horizontal rules that vertical rules cross is a row, cut into cells where
    they cross it. A lone box is a table of one cell: it may be the end of a table that a page
    break cut."""
    parent = list(range(len(horizontal)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def meets(v: Rule, h: Rule) -> bool:
        return h.low - ALIGN <= v.at <= h.high + ALIGN and v.low - ALIGN <= h.at <= v.high + ALIGN

    for v in vertical:
        touched = [i for i, h in enumerate(horizontal) if meets(v, h)]
        for i in touched[1:]:
            parent[find(i)] = find(touched[0])
    groups: dict[int, list[Rule]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(find(i), []).append(h)
    found = []
    for group in groups.values():
        ys = sorted({round(h.at, 1) for h in group}, reverse=True)
        rows, edges = [], []
        for top, bottom in zip(ys, ys[1:]):
            xs = sorted(v.at for v in vertical if v.low - ALIGN <= bottom and v.high + ALIGN >= top and any(meets(v, h) for h in group))
            xs = [x for i, x in enumerate(xs) if i == 0 or x - xs[i - 1] > ALIGN]
            if len(xs) >= 2 and top - bottom > RULE:
                rows.append((top, bottom))
                edges.append(xs)
        if rows:
            found.append(Grid(rows, edges))
    return sorted(found, key=lambda g: -g.top)


@dataclass
class PageTable:
    """A ruled table's cells, each as its visual lines."""

    grid: Grid
    cells: list[list[list[VisualLine]]]  # rows, cells, lines


@dataclass
class Page:
    height: float
    lines: list[tuple[VisualLine, str]]  # the lines outside tables, with their text
    tables: list[PageTable]


def read_page(page) -> Page:
    height, width = page.get_height(), page.get_width()
    glyphs = glyphs_of(page)
    tables = [PageTable(grid, [[[] for _ in edges[1:]] for edges in grid.edges]) for grid in grids(*rules_of(page))]
    free: list[Glyph] = []
    in_cells: dict[tuple[int, int, int], list[Glyph]] = {}
    for glyph in glyphs:
        for t, table in enumerate(tables):
            cell = table.grid.cell_of(glyph)
            if cell is not None:
                in_cells.setdefault((t, *cell), []).append(glyph)
                break
        else:
            free.append(glyph)
    for (t, r, c), cell_glyphs in in_cells.items():
        tables[t].cells[r][c] = visual_lines(cell_glyphs)
    margin = min((g.left for g in glyphs if g.char != " "), default=0.0)
    lines = visual_lines(free)
    share_column_stops(lines, margin, width)
    return Page(height, [(line, indent(line, margin, width) + line.text()) for line in lines], tables)


def read_pdf(data: bytes) -> tuple[str, tuple[int, ...], tuple[Table, ...], tuple[str, ...]]:
    """The text of the PDF, the offset where each page starts, its ruled tables, and a warning for
    each page that could not be read."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise PdfError("encrypted PDF (a password is needed)") from None
        raise PdfError(f"corrupt or truncated PDF ({str(error).split(':')[-1].strip().rstrip(').').strip() or 'cannot be opened'})") from None
    pages, unread = [], []
    try:
        for number in range(1, len(document) + 1):
            try:
                page = document[number - 1]
            except pdfium.PdfiumError:
                unread.append(number)
                continue
            try:
                pages.append(read_page(page))
            except Exception:  # a damaged page's content: that page is left out, the rest read
                unread.append(number)
            finally:
                page.close()
    finally:
        document.close()
    if not pages and unread:
        raise PdfError(f"corrupt PDF (none of its {len(unread)} pages can be read)")
    if not any(text.strip() for page in pages for _, text in page.lines) and not any(page.tables for page in pages):
        raise PdfError("no text layer (a scanned PDF?)")
    text, starts, tables = layout_pages(pages)
    return text, starts, tables, tuple(f"page {n} cannot be read (damaged); the other pages were read" for n in unread)


class TextWriter:
    """Joins pieces of text, keeping the offset at which each begins."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0

    def write(self, text: str) -> Span:
        start = self.offset
        self.parts.append(text)
        self.offset += len(text)
        return Span(start, self.offset)

    def separate(self) -> None:
        """A blank line before what comes next (none at the start of a page)."""
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self.write("\n\n" if not self.parts[-1].endswith("\n") else "\n")


def layout_pages(pages: list[Page]) -> tuple[str, tuple[int, ...], tuple[Table, ...]]:
    """Join the pages, leaving out running headers, footers and page numbers; a table comes where
    it stands on the page, cell by cell."""
    in_margin: dict[str, int] = {}
    for page in pages:
        for key in {running_key(text) for line, text in page.lines if is_margin(line, page.height)}:
            in_margin[key] = in_margin.get(key, 0) + 1
    repeated = {key for key, count in in_margin.items() if count >= 2}
    out = TextWriter()
    starts: list[int] = []
    tables: list[Table] = []
    for number, page in enumerate(pages, start=1):
        kept = [
            (line, text)
            for line, text in page.lines
            if text
            and not (is_margin(line, page.height) and (running_key(text) in repeated or re.fullmatch(r"[#\s]*", running_key(text))))
        ]
        if number > 1:
            out.write("\n\n")
        starts.append(out.offset)
        usual = usual_gap(kept)
        blocks: list[tuple[float, object]] = [(line.baseline, (line, text)) for line, text in kept]
        blocks += [(table.grid.top, table) for table in page.tables]
        blocks.sort(key=lambda block: -block[0])
        run: list[tuple[VisualLine, str]] = []
        page_tables: list[tuple[int, Table]] = []
        for index, (_, block) in enumerate(blocks + [(0.0, None)]):
            if isinstance(block, tuple):
                run.append(block)
                continue
            if run:
                out.separate()
                out.write("\n".join(paragraphs(run, usual)))
                run = []
            if isinstance(block, PageTable):
                rows = []
                for cells in block.cells:
                    row = []
                    for lines in cells:
                        texts = [(line, line.text()) for line in lines]
                        texts = [(line, text) for line, text in texts if text]
                        if texts:
                            out.separate()
                            row.append(out.write("\n".join(paragraphs(texts, usual_gap(texts) or usual))))
                        else:
                            row.append(None)
                    rows.append(tuple(row))
                page_tables.append((index, Table(number, tuple(rows))))
        for index, table in page_tables:
            tables.append(
                Table(table.page, table.rows, starts_page=index == 0, ends_page=index == len(blocks) - 1)
            )
    out.write("\n")
    return "".join(out.parts), tuple(starts), tuple(tables)


def usual_gap(lines: list[tuple[VisualLine, str]]) -> float:
    gaps = sorted(above.baseline - below.baseline for (above, _), (below, _) in zip(lines, lines[1:]))
    return gaps[len(gaps) // 4] if gaps else 0.0


def paragraphs(lines: list[tuple[VisualLine, str]], usual: float) -> list[str]:
    """The lines' texts, with an empty line where the gap above a line is wider than the page's
    usual line spacing: between paragraphs, bullets and table rows."""
    out: list[str] = []
    for index, (line, text) in enumerate(lines):
        if index and line.baseline < lines[index - 1][0].baseline - PARAGRAPH_GAP * usual:
            out.append("")
        out.append(text)
    return out


def is_margin(line: VisualLine, height: float) -> bool:
    return line.baseline < MARGIN * height or line.top > (1 - MARGIN) * height
