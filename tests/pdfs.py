"""Small PDFs made in the tests: a text PDF (any words), a PDF with no text layer, and damaged
or encrypted copies of a real report."""

from __future__ import annotations

import io
from pathlib import Path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds these lines (Helvetica, top to bottom)."""
    return page_pdf("BT /F1 11 Tf 14 TL 60 780 Td " + " ".join(f"({escape(line)}) Tj T*" for line in lines) + " ET")


def boxed_table_pdf(rows: list[list[str]]) -> bytes:
    """A one-page PDF with a table whose cells are outlined boxes (stroked rectangles, as some
    writers draw tables), one line of text in each cell."""
    parts = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            x, y = 60 + 200 * c, 700 - 40 * r
            parts.append(f"{x} {y} 200 40 re S BT /F1 11 Tf {x + 6} {y + 15} Td ({escape(cell)}) Tj ET")
    return page_pdf("0.5 w " + " ".join(parts))


def page_pdf(stream: str) -> bytes:
    """A one-page PDF drawing this content stream, with Helvetica as /F1."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A page with no text layer, as a scanned document has."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_copy(path: Path) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
