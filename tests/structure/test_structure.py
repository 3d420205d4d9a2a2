"""Finding the parts of a letter from its layout: headings, bullets, page breaks, sign-off."""

from __future__ import annotations

import pytest

from sendkg.model import Source
from sendkg.read import read
from sendkg.structure import NotAnInspection, structure
from tests.conftest import LETTERS
from pathlib import Path

LETTER = """Ofsted
Agora

3 March 2020

Ms Ann Example, Director of Children's Services, Rutland County Council
Bob Sample, Local Area Nominated Officer

Dear Ms Example

Joint local area SEND inspection in Rutland

From 2 to 6 December 2019, Ofsted and the Care Quality Commission (CQC) conducted a joint inspection.

Main findings

- Leaders know the area well.
- The local offer is hard to find and the information it holds is

out of date.
- Parents value the forum.

The effectiveness of the local area in identifying children and young people's SEN and/or disabilities

Strengths

■ Health visitors identify needs early and the checks are

- carried out on time.

Areas for development

- Waiting times are too long.

Yours sincerely

Ofsted\tCare Quality Commission
Cara Person HMI\tDan Other
Regional Director\tCQC Inspector
Eve Inspector\t
HMI Lead Inspector\t

Cc: Department for Education
"""


def source(text: str, name: str = "letter.txt") -> Source:
    return Source(Path(name), text, "0" * 64, "text/plain")


def test_sections_and_bullets_are_found():
    layout = structure(source(LETTER))
    found = [(s.section, s.polarity, len(s.items)) for s in layout.sections]
    assert found == [("main", "finding", 3), ("identifying", "strength", 1), ("identifying", "development", 1)]


def test_a_bullet_split_by_a_page_break_is_one_item():
    layout = structure(source(LETTER))
    main = layout.sections[0].items
    assert main[1].text == "The local offer is hard to find and the information it holds is out of date."
    strengths = layout.sections[1].items
    assert strengths[0].text == "Health visitors identify needs early and the checks are carried out on time."


def test_item_spans_quote_the_source():
    layout = structure(source(LETTER))
    item = layout.sections[0].items[0]
    assert LETTER[item.span.start : item.span.end] == "Leaders know the area well."


def test_letterhead_addressees_signature_and_cc_are_found():
    layout = structure(source(LETTER))
    assert LETTER[layout.letter_date.start : layout.letter_date.end] == "3 March 2020"
    assert "Ann Example" in LETTER[layout.addressees.span.start : layout.addressees.span.end]
    assert layout.signature.lines[0].text.startswith("Ofsted\tCare Quality Commission")
    assert layout.cc is not None


def test_revisit_verdicts_close_each_weakness(tmp_path):
    layout = structure(read(LETTERS / "sefton-2019-revisit.txt"))
    assert layout.document_kind == "revisit-letter"
    assert [v.progress for v in layout.verdicts] == ["insufficient"] * 5
    assert all(v.weakness.text.startswith("The initial inspection found") for v in layout.verdicts)


def test_agenda_papers_around_a_letter_are_not_part_of_it():
    layout = structure(read(LETTERS / "worcestershire-2018-council-papers.txt"))
    body = layout.source.text[layout.body.start : layout.body.end]
    assert "DISCLOSABLE PECUNIARY" not in body
    assert "Oborski" not in body
    assert body.rstrip().endswith("NHS England")


def test_a_council_report_is_a_secondary_source_with_its_quoted_findings():
    layout = structure(read(LETTERS / "halton-2017-council-report.txt"))
    assert layout.document_kind == "council-report"
    assert [(s.section, len(s.items)) for s in layout.sections] == [("main", 17)]


def test_text_that_is_not_an_inspection_is_refused():
    with pytest.raises(NotAnInspection):
        structure(source("Minutes of the parish council.\n\nApologies were received.\n"))
