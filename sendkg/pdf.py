"""Text of a PDF, laid out as the page shows it, with pypdfium2 (PDFium).

PDFium gives every character with its box. Characters are grouped into the page's visual lines
(top to bottom, left to right); a wide horizontal gap inside a line is a column break and becomes
a tab, so a two-column table reads 'Joanna Warburton, Ofsted HMI<TAB>Louise Holland, CQC
Inspector' instead of running the two people together. Running headers and footers (lines in
the page margins that repeat on other pages, page numbers) are left out. Pages are separated by
a blank line, as in the text letters, and the offset at which each page starts is kept.
"""

from __future__ import annotations

import bisect
import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

MARGIN = 0.11  # share of the page height at top and bottom where running headers and footers sit
COLUMN_GAP = 0.85  # a gap wider than this many font sizes separates two columns (a word space is ~0.4)
INDENTED_COLUMN = 0.25  # a line starting this share of the page width in from the margin is in a right column
PARAGRAPH_GAP = 1.25  # a line further below the one above than this many usual line spacings starts a paragraph
LINE_TOLERANCE = 0.45  # characters whose baselines differ by less than this many font sizes share a line


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

    def text(self) -> str:
        glyphs = sorted(self.glyphs, key=lambda g: g.left)
        out: list[str] = []
        previous: Glyph | None = None
        for glyph in glyphs:
            if previous is not None:
                gap = glyph.left - previous.right
                size = max(glyph.size, previous.size, 1.0)
                if gap > COLUMN_GAP * size and "".join(out).strip() not in BULLETS:
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


def read_pdf(data: bytes) -> tuple[str, tuple[int, ...]]:
    """The text of the PDF and the offset where each page starts."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            raise PdfError("encrypted PDF (a password is needed)") from None
        raise PdfError(f"corrupt or truncated PDF ({str(error).split(':')[-1].strip() or 'cannot be opened'})") from None
    try:
        pages = []
        for page in document:
            height, width = page.get_height(), page.get_width()
            try:
                glyphs = glyphs_of(page)
                margin = min((g.left for g in glyphs if g.char != " "), default=0.0)
                lines = [(line, indent(line, margin, width) + line.text()) for line in visual_lines(glyphs)]
            finally:
                page.close()
            pages.append((height, lines))
    finally:
        document.close()
    if not any(text.strip() for _, lines in pages for _, text in lines):
        raise PdfError("no text layer (a scanned PDF?)")
    return layout_pages(pages)


def layout_pages(pages: list[tuple[float, list[tuple[VisualLine, str]]]]) -> tuple[str, tuple[int, ...]]:
    """Join the pages, leaving out running headers, footers and page numbers."""
    in_margin: dict[str, int] = {}
    for height, lines in pages:
        for key in {running_key(text) for line, text in lines if is_margin(line, height)}:
            in_margin[key] = in_margin.get(key, 0) + 1
    repeated = {key for key, count in in_margin.items() if count >= 2}
    text_parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for height, lines in pages:
        kept = [
            (line, text)
            for line, text in lines
            if text and not (is_margin(line, height) and (running_key(text) in repeated or re.fullmatch(r"[#\s]*", running_key(text))))
        ]
        page_text = "\n".join(paragraphs(kept))
        if text_parts:
            text_parts.append("\n\n")
            offset += 2
        starts.append(offset)
        text_parts.append(page_text)
        offset += len(page_text)
    return "".join(text_parts) + "\n", tuple(starts)


def paragraphs(lines: list[tuple[VisualLine, str]]) -> list[str]:
    """The lines' texts, with an empty line where the gap above a line is wider than the page's
    usual line spacing: between paragraphs, bullets and table rows."""
    gaps = sorted(above.baseline - below.baseline for (above, _), (below, _) in zip(lines, lines[1:]))
    usual = gaps[len(gaps) // 4] if gaps else 0.0
    out: list[str] = []
    for index, (line, text) in enumerate(lines):
        if index and line.baseline < lines[index - 1][0].baseline - PARAGRAPH_GAP * usual:
            out.append("")
        out.append(text)
    return out


def is_margin(line: VisualLine, height: float) -> bool:
    return line.baseline < MARGIN * height or line.top > (1 - MARGIN) * height
