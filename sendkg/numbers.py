"""Numbers in findings: percentages and counts with what they count, as typed values.

'only 3% of plans were completed within the statutory 20-week timescale' gives 3 (percent) of
'plans were completed within the statutory 20-week timescale'; '111 children are waiting to be
allocated a place' gives 111 (count) of 'children are waiting to be allocated a place'. Years, key
stages, ages and durations are not counts of anything and are left out.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .model import Extraction, Quantity

WHAT = r"(?P<what>[a-z][\w'’\-]*(?:\s+[\w'’\-]+){0,11}?)(?=\s*(?:[.,;:()]|$)|\s+(?:and|but|which|who|while|whereas|compared|than)\b)"
PERCENT = re.compile(rf"(?<!\d)(?P<value>\d+(?:\.\d+)?)\s?(?:%|per\s?cent)\s+(?:of\s+(?:the\s+)?)?{WHAT}", re.I)
COUNT = re.compile(rf"(?<![\w.,£$-])(?P<value>\d{{1,3}}(?:,\d{{3}})+|\d{{1,5}})(?![\w%.,-]|\s?per\s?cent)\s+{WHAT}")
NOT_COUNTS = re.compile(
    r"^(?:january|february|march|april|may|june|july|august|september|october|november|december|to\b|and\b|or\b|"
    r"years?\b|months?\b|weeks?\b|days?\b|hours?\b|minutes?\b|week\b|year-olds?|-year|per\b|times?\b)",
    re.I,
)
KEY_STAGE = re.compile(r"(?:key\s+stages?|stage|aged?|ages|age\s+of|from|between|tier|year|section|paragraph|part|under|over|up\s+to)\s+$", re.I)


def quantities(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for unit, pattern in (("percent", PERCENT), ("count", COUNT)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            what = match["what"].strip()
            if unit == "count" and (NOT_COUNTS.match(what) or KEY_STAGE.search(text[max(0, start - 16) : start])):
                continue
            value = Decimal(match["value"].replace(",", ""))
            if unit == "count" and 1900 <= value <= 2099 and "," not in match["value"]:
                continue
            found.append(Quantity(value, unit, what, text[start:end], start, end))
            taken.append((start, end))
    return sorted(found, key=lambda q: q.start)


def measure(extractions: list[Extraction]) -> None:
    """Set `extraction.quantities`: for each finding (by section, polarity and position) its numbers."""
    for x in extractions:
        for section in x.layout.sections:
            for number, item in enumerate(section.items, start=1):
                found = quantities(item.text)
                if found:
                    x.quantities[(section.section, section.polarity, number)] = found
