"""Compare the bundled queries' answers with the hand-checked gold facts in `gold/`.

Run as `python -m tests.acceptance.compare output/sendkg.ttl` to print the comparison table
that the README shows.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from sendkg.gazetteer import find_area
from sendkg.query import run

GOLD = Path(__file__).parent / "gold"
SCALARS = (
    ("framework", "framework"),
    ("inspection_kind", "kind"),
    ("inspection_start", "start"),
    ("inspection_end", "end"),
    ("letter_date", "letter_date"),
    ("previous_inspection_start", "previous_start"),
    ("previous_inspection_end", "previous_end"),
    ("outcome", "outcome"),
    ("lead_inspector", "lead_inspector"),
)
LISTS = ("team", "addressees", "health_bodies", "named_organisations", "statutes")


def gold(documents: set[str] | None = None) -> dict[str, dict]:
    facts = {}
    for path in sorted(GOLD.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if documents is None or record["document"] in documents:
            facts[record["document"]] = record
    return facts


@dataclass
class Answers:
    """What the graph says about each document, by bundled query."""

    inspections: dict[str, dict]
    lists: dict[str, dict[str, set[tuple]]]
    counts: dict[str, dict[str, int]]


def answers(graph: Graph) -> Answers:
    inspections = {row["document"]: row for row in run(graph, "inspections").records()}
    lists: dict[str, dict[str, set[tuple]]] = {name: {} for name in LISTS}

    def collect(name: str, query: str, columns: tuple[str, ...]) -> None:
        for row in run(graph, query).records():
            lists[name].setdefault(row["document"], set()).add(as_printed(tuple(row[c] or None for c in columns)))

    collect("team", "inspection-team", ("name", "role", "body"))
    collect("addressees", "addressees", ("name", "role", "organisation"))
    collect("health_bodies", "health-bodies", ("name",))
    collect("named_organisations", "organisations", ("name",))
    lists["named_organisations"] = {d: {(same_name(n),) for (n,) in rows} for d, rows in lists["named_organisations"].items()}
    collect("statutes", "statutes", ("statute",))
    counts: dict[str, dict[str, int]] = {}
    for row in run(graph, "findings").records():
        key = f"{row['section']}/{row['polarity']}"
        doc = counts.setdefault(row["document"], {})
        doc[key] = doc.get(key, 0) + 1
    for row in run(graph, "significant-weaknesses").records():
        doc = counts.setdefault(row["document"], {})
        if row["progress"]:
            doc["revisit_weaknesses_assessed"] = doc.get("revisit_weaknesses_assessed", 0) + 1
            if row["progress"] == "sufficient":
                doc["revisit_weaknesses_sufficient"] = doc.get("revisit_weaknesses_sufficient", 0) + 1
        else:
            doc["significant_weaknesses"] = doc.get("significant_weaknesses", 0) + 1
    return Answers(inspections, lists, counts)


def gold_counts(record: dict) -> dict[str, int]:
    c = record["counts"]
    return {
        "main/finding": c["main_findings"],
        "identifying/strength": c["identifying"]["strengths"],
        "identifying/development": c["identifying"]["development"],
        "meeting/strength": c["meeting"]["strengths"],
        "meeting/development": c["meeting"]["development"],
        "outcomes/strength": c["outcomes"]["strengths"],
        "outcomes/development": c["outcomes"]["development"],
        "significant_weaknesses": c["significant_weaknesses"],
        "revisit_weaknesses_assessed": c["revisit_weaknesses_assessed"],
        "revisit_weaknesses_sufficient": c["revisit_weaknesses_sufficient"],
        "effective/strength": c["effective"],
        "do-better/development": c["do_better"],
        "priority-actions/priority-action": c["priority_actions"],
        "improvements/improvement": c["improvements"],
    }


def same_text(value):
    """Printed text compared as a reader reads it: a typographic apostrophe is an apostrophe. (The
    older gold files straighten apostrophes; the newer keep them as printed.)"""
    return value.replace("’", "'").replace("‘", "'") if isinstance(value, str) else value


def as_printed(values: tuple) -> tuple:
    return tuple(same_text(v) for v in values)


def same_name(name: str) -> str:
    """A named organisation compared with or without the acronym the document defines for it
    ('Family Voice Surrey (FVS)' = 'Family Voice Surrey'): SCHEMA.md asks for the acronym, and
    some gold files leave it out."""
    return re.sub(r"\s*\([^()]*\)$", "", same_text(name))


def disagreements() -> dict[tuple[str, str, tuple | None], tuple]:
    """Gold facts believed wrong (`disagreements.jsonl`): (document, list, gold row) -> believed
    row; a gold row of None is one the gold lacks."""
    found = {}
    for entry in disagreement_entries():
        gold = as_printed(tuple(entry["gold"])) if entry["gold"] is not None else None
        found[(entry["document"], entry["list"], gold)] = as_printed(tuple(entry["believed"]))
    return found


def disagreement_entries() -> list[dict]:
    lines = (GOLD.parent / "disagreements.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip() and not line.lstrip().startswith("//")]


def gold_list(record: dict, name: str) -> set[tuple]:
    rows = gold_rows(record, name)
    believed = disagreements()
    missing = {row for (document, list_name, gold), row in believed.items() if gold is None and (document, list_name) == (record["document"], name)}
    return {believed.get((record["document"], name, row), row) for row in rows} | missing


def gold_rows(record: dict, name: str) -> set[tuple]:
    if name == "team":
        rows = {(p["name"], p["role"], p["body"]) for p in record["team"]}
    elif name == "addressees":
        rows = {(p["name"], p["role"], p["organisation"]) for p in record["addressees"]}
    elif name == "named_organisations":
        rows = {(same_name(o["name"]),) for o in record["named_organisations"]}
    else:
        rows = {(v,) for v in record[name]}
    return {as_printed(row) for row in rows}


@dataclass(frozen=True)
class Mismatch:
    document: str
    field: str
    expected: object
    found: object


def scalar_mismatches(record: dict, found: Answers) -> list[Mismatch]:
    document = record["document"]
    row = found.inspections.get(document)
    if row is None:
        return [Mismatch(document, "document", document, None)]
    wrong = []
    expected_area = find_area(record["area"])
    found_area = find_area(row["area"])
    if expected_area is None or found_area is None or expected_area.key != found_area.key:
        wrong.append(Mismatch(document, "area", record["area"], row["area"]))
    for gold_field, column in SCALARS:
        if (record[gold_field] or None) != (row[column] or None):
            wrong.append(Mismatch(document, gold_field, record[gold_field], row[column] or None))
    counts = found.counts.get(document, {})
    for key, expected in gold_counts(record).items():
        if counts.get(key, 0) != expected:
            wrong.append(Mismatch(document, f"count {key}", expected, counts.get(key, 0)))
    return wrong


@dataclass(frozen=True)
class Score:
    name: str
    true_positives: int
    expected: int
    found: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def list_scores(records: dict[str, dict], found: Answers) -> dict[str, Score]:
    scores = {}
    for name in LISTS:
        tp = expected = got = 0
        for document, record in records.items():
            want = gold_list(record, name)
            have = found.lists[name].get(document, set())
            tp += len(want & have)
            expected += len(want)
            got += len(have)
        scores[name] = Score(name, tp, expected, got)
    return scores


def list_misses(records: dict[str, dict], found: Answers) -> list[Mismatch]:
    misses = []
    for name in LISTS:
        for document, record in records.items():
            want = gold_list(record, name)
            have = found.lists[name].get(document, set())
            for item in sorted(want - have, key=str):
                misses.append(Mismatch(document, f"{name} missing", item, None))
            for item in sorted(have - want, key=str):
                misses.append(Mismatch(document, f"{name} extra", None, item))
    return misses


def markdown(records: dict[str, dict], found: Answers) -> str:
    lines = ["| document | scalar fields and counts matching | mismatches |", "|---|---|---|"]
    for document, record in records.items():
        wrong = scalar_mismatches(record, found)
        total = 1 + len(SCALARS) + len(gold_counts(record))
        detail = "; ".join(f"{m.field}: expected {m.expected}, found {m.found}" for m in wrong) or "none"
        lines.append(f"| {document} | {total - len(wrong)}/{total} | {detail} |")
    lines += ["", "| list (pooled over documents) | gold | found | matched | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    for score in list_scores(records, found).values():
        lines.append(
            f"| {score.name} | {score.expected} | {score.found} | {score.true_positives} | "
            f"{score.precision:.2f} | {score.recall:.2f} | {score.f1:.2f} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    graph = Graph().parse(sys.argv[1] if len(sys.argv) > 1 else "output/sendkg.ttl")
    found = answers(graph)
    print(markdown(gold(set(found.inspections)), found), end="")
