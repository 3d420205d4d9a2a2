"""Reference data: every English local authority, with the spellings and short forms documents use.

Read from `data/local-authorities.csv` (see `data/SOURCES.md`). Used to recognise and resolve
areas; never as a source of what a document says.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from .resources import data_file


@dataclass(frozen=True)
class LocalAuthority:
    key: str  # ONS GSS code (e.g. E08000013), or 'LA' + old code for an authority abolished before GSS
    gss: str | None
    la_code: str  # old three-digit LA code
    name: str  # name as in the reference table
    region: str
    variants: tuple[str, ...]  # every spelling that names this area


def normalise_place(text: str) -> str:
    """A spelling-insensitive key: 'St. Helens' = 'St Helens', 'Stoke on Trent' = 'Stoke-on-Trent'."""
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"\bst\.?\s", "st ", text)
    text = re.sub(r"[^a-z0-9']+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def spellings(name: str) -> set[str]:
    """The forms a name takes in documents: without ', City of', 'Borough', 'County', and short forms."""
    forms = {name}
    base = re.sub(r",\s*(city|county) of$", "", name, flags=re.I).strip()
    forms |= {base, base.replace("St. ", "St "), base.replace("&", "and")}
    if base != name:
        forms.add(f"City of {base}")
    for suffix in (" Borough", " City"):
        if base.endswith(suffix):
            forms.add(base[: -len(suffix)])
    if base.startswith("County "):
        forms.add(base[len("County ") :])
    for joiner in ("-on-", " upon ", " Upon ", "-upon-", "-under-"):
        if joiner in base:
            forms.add(base.split(joiner)[0])
            forms.add(base.replace("-", " "))
    return {f for f in forms if f}


@cache
def local_authorities() -> tuple[LocalAuthority, ...]:
    with data_file("local-authorities.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    candidates: dict[str, set[str]] = {}
    for row in rows:
        names = {row["local_authority_ons_name"], row["utla23nm"], row["ltla23nm"]}
        names |= {n.strip() for n in row["also_known_as"].strip("[]").split(",") if n.strip()}
        forms: set[str] = set()
        for n in names:
            if n:
                forms |= spellings(n)
        candidates[area_key(row)] = forms
    owners: dict[str, set[str]] = {}
    for key, forms in candidates.items():
        for form in forms:
            owners.setdefault(normalise_place(form), set()).add(key)
    result = []
    for row in rows:
        key = area_key(row)
        own = normalise_place(row["local_authority_ons_name"])
        unique = sorted(f for f in candidates[key] if owners[normalise_place(f)] == {key} or normalise_place(f) == own)
        result.append(
            LocalAuthority(
                key=key,
                gss=row["la_code_new"] or None,
                la_code=row["la_code"],
                name=row["local_authority_ons_name"],
                region=row["region_name"],
                variants=tuple(unique),
            )
        )
    return tuple(sorted(result, key=lambda la: la.key))


def area_key(row: dict[str, str]) -> str:
    return row["la_code_new"] or f"LA{row['la_code']}"


@cache
def _index() -> dict[str, LocalAuthority]:
    index: dict[str, LocalAuthority] = {}
    for la in local_authorities():
        for variant in la.variants:
            key = normalise_place(variant)
            if key not in index or normalise_place(la.name) == key:
                index[key] = la
    return index


def find_area(text: str) -> LocalAuthority | None:
    """The local authority a printed name refers to, or None."""
    key = normalise_place(re.sub(r"^(the\s+)?(local\s+area\s+of\s+)?", "", text.strip(), flags=re.I))
    return _index().get(key)


def by_key(key: str) -> LocalAuthority | None:
    return next((la for la in local_authorities() if la.key == key), None)


@dataclass(frozen=True)
class IntegratedCareBoard:
    gss: str
    ods: str
    name: str  # e.g. NHS Herefordshire and Worcestershire Integrated Care Board


def health_body_core(name: str) -> str:
    """'NHS Herefordshire and Worcestershire Integrated Care Board (ICB)' -> 'herefordshire and worcestershire'."""
    text = normalise_place(re.sub(r"\((?:ICB|CCG)s?\)", " ", name))
    text = re.sub(r"\b(nhs|integrated care boards?|icbs?|clinical commissioning groups?|ccgs?)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@cache
def integrated_care_boards() -> tuple[IntegratedCareBoard, ...]:
    """The 42 integrated care boards of July 2022 (`data/sub-icb-to-icb-2022.csv`)."""
    with data_file("sub-icb-to-icb-2022.csv").open(encoding="utf-8-sig", newline="") as handle:
        boards = {(row["ICB22CD"], row["ICB22CDH"], row["ICB22NM"]) for row in csv.DictReader(handle)}
    return tuple(IntegratedCareBoard(*board) for board in sorted(boards))


def find_icb(name: str) -> tuple[IntegratedCareBoard, str] | None:
    """The ICB a printed name refers to, and the part of the name that names it.

    A name matches when its core (without 'NHS', 'Integrated Care Board') is an ICB's core, or
    ends with one ('... City Council and Staffordshire and Stoke-on-Trent'), or is the end of
    exactly one ('Worcestershire ICB' in a table cell broken over lines).
    """
    core = health_body_core(name)
    if not core:
        return None
    boards = [(board, health_body_core(board.name)) for board in integrated_care_boards()]
    exact = [b for b, c in boards if c == core]
    if exact:
        return exact[0], core
    containing = [(b, c) for b, c in boards if core.endswith(" " + c)]
    if len(containing) == 1:
        return containing[0]
    contained = [(b, c) for b, c in boards if c.endswith(" " + core)]
    if len(contained) == 1:
        return contained[0][0], core
    return None
