"""Dates as the documents print them: '8 September 2016', '27th March', 'From 11 to 15 July 2016'."""

from __future__ import annotations

import re
from datetime import date

from .model import DateValue, Span

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
MONTH = "|".join(MONTHS)
DAY = r"\d{1,2}\s?(?:st|nd|rd|th)?"
WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\s+)?"


def full(prefix: str) -> str:
    return rf"{WEEKDAY}(?P<{prefix}d>{DAY})\s+(?P<{prefix}m>{MONTH}),?\s+(?P<{prefix}y>\d{{4}})"


PARTIAL = rf"{WEEKDAY}(?P<ad>{DAY})(?:\s+(?P<am>{MONTH}))?(?:,?\s+(?P<ay>\d{{4}}))?"
DATE = re.compile(full("b"), re.I)
RANGE = re.compile(rf"\b{PARTIAL}\s*(?:\s(?:to|and|until)\s|[-–—])\s*{full('b')}", re.I)
WEEK_OF = re.compile(rf"\bweek\s+(?:commencing|beginning|of)\s+{full('b')}", re.I)

def make(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), MONTHS.index(month.lower()) + 1, int(re.sub(r"\D", "", day)))
    except ValueError:
        return None


def parse_date(text: str, offset: int = 0) -> DateValue | None:
    match = DATE.search(text)
    if not match:
        return None
    value = make(match["bd"], match["bm"], match["by"])
    return DateValue(value, Span(offset + match.start(), offset + match.end())) if value else None


def find_range(text: str, offset: int = 0) -> tuple[DateValue, DateValue | None] | None:
    """The first 'D1 to D2' in text, D1's month and year taken from D2 when it omits them; or,
    for 'the week commencing D', that start with no end."""
    week = WEEK_OF.search(text)
    for match in RANGE.finditer(text):
        if week and week.start() < match.start():
            break
        end = make(match["bd"], match["bm"], match["by"])
        start = make(match["ad"], match["am"] or match["bm"], match["ay"] or match["by"])
        if start and end and start <= end:
            return (
                DateValue(start, Span(offset + match.start(), offset + max(match.end(g) for g in ("ad", "am", "ay")))),
                DateValue(end, Span(offset + match.start("bd"), offset + match.end())),
            )
    if week:
        start = make(week["bd"], week["bm"], week["by"])
        if start:
            return DateValue(start, Span(offset + week.start(), offset + week.end())), None
    return None
