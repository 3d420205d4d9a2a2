"""Measure PDF text extraction on the bundled reports: speed, and whether two-column tables and
running footers come out right. Run: .venv/bin/python bench/pdf_readers.py

Readers compared: sendkg's layout reader (pypdfium2 character boxes), plain pypdfium2 text, and
pypdf (installed with the test extras). PyMuPDF is left out: it is AGPL-licensed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

REPORTS = sorted((Path(__file__).resolve().parent.parent / "corpus" / "area-send-reports").glob("*.pdf"))
TEAM_PAIR = ("Joanna Warburton, Ofsted HMI", "Louise Holland, CQC Inspector")


def sendkg_reader(path: Path) -> str:
    from sendkg.pdf import read_pdf

    return read_pdf(path.read_bytes())[0]


def pypdfium2_plain(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def pypdf_plain(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def columns_apart(text: str) -> bool:
    """The two people of one table row are in different columns, not run together."""
    for line in text.splitlines():
        if TEAM_PAIR[0] in line and TEAM_PAIR[1] in line:
            return "\t" in line
    return False


def footers_left_out(text: str) -> bool:
    return "Inspection report: Halton Local Area Partnership" not in text


def measure(reader, repeats: int = 3) -> tuple[float, str]:
    times = []
    texts = {}
    for _ in range(repeats):
        start = time.perf_counter()
        for path in REPORTS:
            texts[path.name] = reader(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times), texts["halton-2024.pdf"]


def main() -> None:
    pages = 0
    import pypdfium2 as pdfium

    for path in REPORTS:
        pages += len(pdfium.PdfDocument(path))
    print(f"{len(REPORTS)} reports, {pages} pages; median of 3 runs")
    print("| reader | seconds for all reports | ms per page | table columns kept apart | running footers left out |")
    print("|---|---|---|---|---|")
    for name, reader in (("sendkg (pypdfium2 character boxes)", sendkg_reader), ("pypdfium2 get_text_range", pypdfium2_plain), ("pypdf extract_text", pypdf_plain)):
        seconds, halton = measure(reader)
        print(f"| {name} | {seconds:.2f} | {1000 * seconds / pages:.0f} | {'yes' if columns_apart(halton) else 'no'} | {'yes' if footers_left_out(halton) else 'no'} |")


if __name__ == "__main__":
    main()
