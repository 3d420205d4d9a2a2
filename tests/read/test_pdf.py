"""Reading PDFs: the page's layout, not PDFium's run order; bad PDFs fail with a reason."""

from __future__ import annotations

import pytest

from sendkg.read import ReadError, read
from tests.conftest import CORPUS
from tests.pdfs import encrypted_copy, image_only_pdf, text_pdf

REPORTS = CORPUS / "area-send-reports"


@pytest.fixture(scope="module")
def halton():
    return read(REPORTS / "halton-2024.pdf")


def test_two_column_tables_keep_their_columns_apart(halton):
    assert "Joanna Warburton, Ofsted HMI\tLouise Holland, CQC Inspector" in halton.text
    assert "Ofsted\tCare Quality Commission" in halton.text


def test_running_headers_and_footers_are_not_content(halton):
    assert "Inspection report: Halton Local Area Partnership" not in halton.text
    assert halton.text.startswith("Local Area Partnership report")


def test_page_starts_map_offsets_to_pages(halton):
    assert len(halton.page_starts) == 8
    assert halton.page_of(0) == 1
    offset = halton.text.index("Local area partnership details")
    assert halton.page_of(offset) == 7


def test_a_bullet_that_runs_over_a_page_is_one_paragraph_break_apart(halton):
    offset = halton.text.index("The local area partnership’s strategy for AP is in its infancy")
    after = halton.text[offset : offset + 400]
    assert "\n\nabout the desired impact and next steps" in after


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: (REPORTS / "halton-2024.pdf").read_bytes()[:20000], "corrupt or truncated PDF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "corrupt or truncated PDF"),
        (lambda: encrypted_copy(REPORTS / "bedford-2025.pdf"), "encrypted PDF"),
        (image_only_pdf, "no text layer"),
        (lambda: b"", "empty file"),
        (lambda: b"PK\x03\x04 a zip, not a PDF", "not a PDF"),
    ],
    ids=["truncated", "corrupt", "encrypted", "scanned", "empty", "not-a-pdf"],
)
def test_bad_pdfs_fail_with_a_one_line_reason(tmp_path, make, reason):
    path = write(tmp_path, "bad.pdf", make())
    with pytest.raises(ReadError) as caught:
        read(path)
    assert reason in str(caught.value)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_text_pdf_is_read_line_by_line(tmp_path):
    path = write(tmp_path, "minutes.pdf", text_pdf(["Minutes of the finance committee", "The budget was agreed."]))
    source = read(path)
    assert source.text.splitlines()[:2] == ["Minutes of the finance committee", "The budget was agreed."]
