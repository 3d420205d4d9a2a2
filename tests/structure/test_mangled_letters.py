"""Property: arbitrary and mangled letters never make the reader raise; it builds what it can."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendkg.extract import DocumentError, extract
from sendkg.model import Source
from sendkg.nlp import analyse
from sendkg.structure import NotAnInspection, structure
from tests.conftest import LETTERS

LETTER_LINES = (LETTERS / "st-helens-2018.txt").read_text(encoding="utf-8").split("\n")


def run_reader(text: str) -> None:
    source = Source(Path("mangled.txt"), text, "0" * 64, "text/plain")
    try:
        layout = structure(source)
    except NotAnInspection:
        return
    doc = next(analyse([text]))
    try:
        extraction = extract(layout, doc)
    except DocumentError:
        return
    for section in extraction.layout.sections:
        for item in section.items:
            assert 0 <= item.span.start < item.span.end <= len(text)


@st.composite
def mangled_letters(draw) -> str:
    lines = list(LETTER_LINES)
    for _ in range(draw(st.integers(0, 12))):
        action = draw(st.sampled_from(["drop", "swap", "merge", "duplicate", "blank", "junk"]))
        if len(lines) < 3:
            break
        i = draw(st.integers(0, len(lines) - 2))
        if action == "drop":
            del lines[i]
        elif action == "swap":
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif action == "merge":
            lines[i : i + 2] = [lines[i] + " " + lines[i + 1]]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "blank":
            lines.insert(i, "")
        else:
            lines.insert(i, draw(st.text(max_size=80)))
    return "\n".join(lines)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_letters())
def test_mangled_letters_never_raise(text):
    run_reader(text)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text):
    run_reader(text)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([
    "Joint local area SEND inspection in Leeds", "Main findings", "Strengths", "Areas for development",
    "- a finding", "■ Another finding without an end", "Yours sincerely", "Ofsted\tCare Quality Commission",
    "Jo Bloggs HMI\tSam Smith", "Lead Inspector\tCQC Inspector", "", "Dear Sir", "1 May 2019",
    "The local area has not made sufficient progress to improve this previous area of weakness.",
    "The effectiveness of the local area in improving outcomes for children",
]), max_size=40))
def test_headings_in_any_order_never_raise(lines):
    run_reader("\n".join(lines))
