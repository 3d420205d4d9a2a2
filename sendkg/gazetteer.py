"""Reference data: every English local authority, with the spellings and short forms documents use.

Read from `data/local-authorities.csv` (see `data/SOURCES.md`). Used to recognise and resolve
areas; never as a source of what a document says.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .resources import data_file


@dataclass(frozen=True)
class LocalAuthority:
    key: str  # ONS GSS code (e.g. E08000013), or 'LA' + old code for an authority abolished before GSS
    gss: str | None
    la_code: str  # old three-digit LA code
    name: str  # name as in the reference table
    region: str
    variants: tuple[str, ...]  # every spelling that names this area
    urn: str = ""  # Ofsted's unique reference number for the local authority
    neighbours: tuple[str, ...] = ()  # statistical neighbours, by GSS code


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
                urn=row["urn"],
                neighbours=tuple(n.strip() for n in row["stat_neighbours_la_code"].split(",") if n.strip()),
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


ADMINISTRATIVE = re.compile(
    r"^(?:the\s+)?(?:local\s+area\s+of\s+)?(?:(?:royal|london|metropolitan)\s+borough\s+of\s+|county\s+borough\s+of\s+)?"
    r"|(?<!\s)\s*+\([^()]*\)|(?<!\s)\s++(?:(?:metropolitan\s+)?borough|city|county|district)?\s*+council(?:\s+area)?$|(?<!\s)\s++(?:local\s+)?area$",
    re.I,
)


@lru_cache(maxsize=65536)
def find_area(text: str) -> LocalAuthority | None:
    """The local authority a printed name refers to ('Stoke', 'the Royal Borough of Kingston upon
    Thames', 'Leeds City Council area', 'Bath and North East Somerset (BANES)'), or None."""
    index = _index()
    key = normalise_place(text)
    if key in index:
        return index[key]
    bare = ADMINISTRATIVE.sub("", text.strip())
    found = index.get(normalise_place(bare))
    if found is None:
        # 'City of York', 'Nottingham City': the city's own name
        found = index.get(normalise_place(re.sub(r"^city\s+of\s+|(?<!\s)\s++city$", "", bare, flags=re.I)))
    return found


def find_area_within(text: str) -> LocalAuthority | None:
    """The longest run of words in text that names a local authority."""
    tokens = text.split()
    for n in range(min(6, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            la = find_area(" ".join(tokens[i : i + n]))
            if la:
                return la
    return None


def by_key(key: str) -> LocalAuthority | None:
    return authorities_by_key().get(key)


@cache
def authorities_by_key() -> dict[str, LocalAuthority]:
    found: dict[str, LocalAuthority] = {}
    for la in local_authorities():
        found.setdefault(la.key, la)  # the first with a key, as a scan in order would find it
    return found


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


@cache
def icb_cores() -> dict[str, IntegratedCareBoard]:
    """Each ICB by the core of its name ('herefordshire and worcestershire')."""
    return {health_body_core(board.name): board for board in integrated_care_boards()}


def find_icb(name: str) -> tuple[IntegratedCareBoard, str] | None:
    """The ICB a printed name refers to, and the part of the name that names it.

    A name matches when its core (without 'NHS', 'Integrated Care Board') is an ICB's core, or
    ends with one ('... City Council and Staffordshire and Stoke-on-Trent'), or is the end of
    exactly one ('Worcestershire ICB' in a table cell broken over lines).
    """
    core = health_body_core(name)
    if not core:
        return None
    if core in icb_cores():
        return icb_cores()[core], core
    boards = [(board, c) for c, board in icb_cores().items()]
    containing = [(b, c) for b, c in boards if core.endswith(" " + c)]
    if len(containing) == 1:
        return containing[0]
    contained = [(b, c) for b, c in boards if c.endswith(" " + core)]
    if len(contained) == 1:
        return contained[0][0], core
    return None


@dataclass(frozen=True)
class CommissioningGroup:
    gss: str
    ods: str
    name: str  # e.g. NHS South Worcestershire CCG
    years: tuple[int, ...]  # the Aprils (2016-2021) in which it existed


@dataclass(frozen=True)
class Coverage:
    """One CCG (or, for 2021, its ICB) over one upper-tier local authority in one year."""

    year: int
    ccg_ods: str
    area_gss: str
    share_of_area: float | None  # share of the area's small areas; not given for 2021
    icb_ods: str | None


MIN_SHARE = 0.02  # below about 2% of an area's small areas is a boundary sliver, not a partner CCG


@cache
def district_lookup() -> tuple[dict[str, str], ...]:
    """The rows of `data/ccg-to-local-authority-by-year-2016-2021.csv`: for each April 2016-2021,
    each CCG and district with its upper-tier authority, read once for every use."""
    with data_file("ccg-to-local-authority-by-year-2016-2021.csv").open(encoding="utf-8-sig", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def county_districts() -> dict[str, frozenset[str]]:
    """Each county (E10) with the districts the lookup places in it in April 2021."""
    found: dict[str, set[str]] = {}
    for row in district_lookup():
        if row["year_april"] == "2021" and row["utla_gss"].startswith("E10"):
            found.setdefault(row["utla_gss"], set()).add(row["lad_gss"])
    return {county: frozenset(districts) for county, districts in found.items()}


@cache
def coverage() -> tuple[Coverage, ...]:
    """Which CCGs covered which local authorities, April 2016-2021 (`data/ccg-to-local-authority-by-year-2016-2021.csv`),
    summed from districts to the upper-tier authority."""
    shares: dict[tuple[int, str, str], float | None] = {}
    icbs: dict[tuple[int, str], str] = {}
    for row in district_lookup():
        key = (int(row["year_april"]), row["ccg_ods"], row["utla_gss"])
        share = float(row["share_of_utla_lsoas"]) if row["share_of_utla_lsoas"] else None
        shares[key] = None if share is None else (shares.get(key) or 0.0) + share
        if row["icb22_ods"]:
            icbs[(int(row["year_april"]), row["ccg_ods"])] = row["icb22_ods"]
    return tuple(
        Coverage(year, ods, gss, None if share is None else round(share, 4), icbs.get((year, ods)))
        for (year, ods, gss), share in sorted(shares.items())
        if share is None or share >= MIN_SHARE
    )


@cache
def commissioning_groups() -> tuple[CommissioningGroup, ...]:
    found: dict[str, tuple[str, str, set[int]]] = {}
    for row in district_lookup():
        gss, name, years = found.setdefault(row["ccg_ods"], (row["ccg_gss"], row["ccg_name"], set()))
        years.add(int(row["year_april"]))
    return tuple(CommissioningGroup(gss, ods, name, tuple(sorted(years))) for ods, (gss, name, years) in sorted(found.items()))


@cache
def ccgs_by_core() -> dict[str, tuple[CommissioningGroup, ...]]:
    found: dict[str, list[CommissioningGroup]] = {}
    for group in commissioning_groups():
        found.setdefault(health_body_core(group.name), []).append(group)
    return {core: tuple(groups) for core, groups in found.items()}


def find_ccg(name: str, year: int | None) -> CommissioningGroup | None:
    """The CCG a printed name refers to: its name's core ('St Helens' in 'NHS St Helens CCG')
    is that of exactly one CCG of the inspection's year (or of any year). 'Sefton CCG', when Sefton
    had two CCGs, stays unresolved rather than guessed."""
    groups = ccgs_by_core().get(health_body_core(name), ())
    for candidates in ([g for g in groups if year in g.years], list(groups)):
        if len(candidates) == 1:
            return candidates[0]
    return None


def health_body_name(ods: str) -> str | None:
    """The reference list's name for a CCG or ICB, by ODS code (any case), 'CCG' spelled out."""
    return health_body_names().get(ods.lower())


@cache
def health_body_names() -> dict[str, str]:
    names = {b.ods.lower(): b.name for b in integrated_care_boards()}
    names |= {g.ods.lower(): re.sub(r"\bCCG$", "Clinical Commissioning Group", g.name) for g in commissioning_groups()}
    return names


def replacing_icb(ccg: CommissioningGroup) -> str | None:
    """The ICB (ODS code) that took over the CCG's area in July 2022: through its own 2021 row, or
    through the areas it covered in its last year."""
    rows = coverage()
    direct = {c.icb_ods for c in rows if c.ccg_ods == ccg.ods and c.icb_ods}
    if len(direct) == 1:
        return direct.pop()
    last = max(ccg.years)
    areas = {c.area_gss: c.share_of_area for c in rows if c.ccg_ods == ccg.ods and c.year == last}
    by_icb: dict[str, float] = {}
    for c in rows:
        if c.year == 2021 and c.icb_ods and c.area_gss in areas:
            by_icb[c.icb_ods] = by_icb.get(c.icb_ods, 0.0) + (areas[c.area_gss] or 0.0)
    return max(sorted(by_icb), key=lambda ods: by_icb[ods]) if by_icb else None


def icb_areas(icb_ods: str) -> tuple[str, ...]:
    """The local authorities (GSS) an ICB serves: those its CCGs covered in April 2021."""
    return tuple(sorted({c.area_gss for c in coverage() if c.year == 2021 and c.icb_ods == icb_ods}))


def inspection_year(day) -> int:
    """The April-to-March year a date falls in, as the NHS geography tables count it."""
    return day.year if day.month >= 4 else day.year - 1
