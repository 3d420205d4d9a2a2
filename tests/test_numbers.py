"""Numbers in findings: percentages and counts with what they count, typed and sortable."""

from __future__ import annotations

from decimal import Decimal

from sendkg.numbers import quantities
from sendkg.query import run


def test_percentages_and_counts_with_what_they_count():
    text = "Only 3% of plans were completed within the statutory 20-week timescale. Currently, 111 children are waiting to be allocated a place."
    found = [(q.value, q.unit, q.counts) for q in quantities(text)]
    assert found == [
        (Decimal(3), "percent", "plans were completed within the statutory 20-week timescale"),
        (Decimal(111), "count", "children are waiting to be allocated a place"),
    ]


def test_years_ages_key_stages_and_durations_are_not_counts():
    for text in ["In 2015 leaders began.", "pupils at key stages 2 and 4", "young people aged 16 to 25", "they wait 18 months", "up to the age of 19 who have"]:
        assert quantities(text) == [], text


def test_the_graph_sorts_areas_by_what_their_findings_count(corpus_build):
    rows = run(corpus_build.graph, "numbers").records()
    counts = [r for r in rows if r["unit"] == "count"]
    assert [Decimal(r["value"]) for r in counts] == sorted((Decimal(r["value"]) for r in counts), reverse=True)
    assert any(r["area"] == "Worcestershire" and Decimal(r["value"]) == 111 for r in counts)
