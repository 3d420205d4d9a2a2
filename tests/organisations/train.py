"""Train the named-organisation model on the hand-checked corpus, and measure it on documents it
was not trained on.

    .venv/bin/python -m tests.organisations.train           # figures: held-out split and cross-validation
    .venv/bin/python -m tests.organisations.train --write   # retrain on every document; write the shipped model

Two measurements, both on documents the model did not see:
- the held-out split (`HELD_OUT`): six reports set aside before the candidate rules and features
  were written and not read while writing them; the model is trained on the other documents;
- leave one document out over all documents: the model is retrained without each document in
  turn. The rules and features were written looking at most of these documents, so this figure
  is the less strict of the two.
A name counts when it is the gold name, compared as `tests.acceptance.compare` does.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sendkg.extract import extract, sign_off
from sendkg.nlp import analyse
from sendkg.organisations import Model, described, key_of, named_by_rule, named_organisations, organisation_type
from sendkg.read import read
from sendkg.resources import data_file
from sendkg.structure import structure
from tests.acceptance.compare import GOLD, disagreement_entries, same_name
from tests.conftest import CORPUS

HELD_OUT = (
    "dudley-2025.pdf",
    "herefordshire-2025.pdf",
    "lewisham-2024.pdf",
    "middlesbrough-2023.pdf",
    "oxfordshire-2023.pdf",
    "rutland-2023.pdf",
)
C = 3.0  # inverse strength of the L2 penalty (chosen by cross-validation on the tuning documents)
THRESHOLD = 0.35  # likelihood a name needs (chosen the same way)


@dataclass(frozen=True, eq=False)
class Document:
    name: str
    text: str
    body: tuple[int, int]
    introduced: tuple[tuple[int, int, str | None], ...]
    people: frozenset[str]
    leave_out: tuple[tuple[int, int], ...]  # the sign-off: inspectors and the cc list
    gold: dict[str, str]  # name -> type


@cache
def documents() -> tuple[Document, ...]:
    found = []
    for path in sorted(GOLD.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        source_path = next(CORPUS.rglob(record["document"]))
        layout = structure(read(source_path))
        doc = next(analyse([layout.source.text]))
        extraction = extract(layout, doc)
        found.append(
            Document(
                record["document"],
                layout.source.text,
                (layout.body.start, layout.body.end),
                tuple((s.start_char, s.end_char, s._.sendkg_kind) for s in doc.spans.get("organisations", [])),
                frozenset(p.name for p in [*extraction.team, *extraction.addressees]),
                tuple(sign_off(layout)),
                believed_organisations(record),
            )
        )
    return tuple(found)


def believed_organisations(record: dict) -> dict[str, str]:
    """The gold named organisations, with those this project believes wrong replaced (`disagreements.jsonl`)."""
    mine = [e for e in disagreement_entries() if (e["document"], e["list"]) == (record["document"], "named_organisations")]
    replaced = {same_name(e["gold"][0]): e["believed"][0] for e in mine if e["gold"] is not None}
    found = {replaced.get(same_name(o["name"]), o["name"]): o["type"] for o in record["named_organisations"]}
    found.update({e["believed"][0]: e["type"] for e in mine if e["gold"] is None})
    return found


def examples(document: Document) -> list[tuple[dict[str, float], int]]:
    wanted = {key_of(name) for name in document.gold}
    return [
        (f, int(c.key in wanted))
        for c, f in described(document.text, document.introduced, document.people, document.body, document.leave_out)
        if not named_by_rule(c, f)
    ]


def fit(training: list[Document]) -> Model:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows = [pair for document in training for pair in examples(document)]
    vectoriser = DictVectorizer(sort=True, sparse=False)
    x = vectoriser.fit_transform([f for f, _ in rows])
    y = [label for _, label in rows]
    model = LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(x, y)
    weights = {name: round(float(w), 6) for name, w in zip(vectoriser.get_feature_names_out(), model.coef_[0]) if abs(w) > 1e-9}
    return Model(weights, round(float(model.intercept_[0]), 6), THRESHOLD)


def predict(model: Model, document: Document) -> dict[str, str]:
    kept = named_organisations(document.text, document.introduced, document.people, document.body, document.leave_out, model)
    return {candidate.name: organisation_type(candidate, document.text) for candidate, _ in kept}


@dataclass
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


TYPE_CODES = {
    "parent carer forum": "parent-carer-forum",
    "information advice and support service": "information-advice-and-support-service",
    "NHS trust": "nhs-trust",
}


def tally(predictions: dict[str, dict[str, str]], docs: list[Document]) -> dict[str, Tally]:
    """Pooled over documents, overall ('all') and by type: a match counts for its gold type, a
    name found but not in the gold for the type it was given."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for document in docs:
        found = {same_name(name): kind for name, kind in predictions[document.name].items()}
        wanted = {same_name(name): TYPE_CODES.get(kind, kind) for name, kind in document.gold.items()}
        for name, kind in wanted.items():
            for label in ("all", kind):
                t = tallies.setdefault(label, Tally())
                if name in found:
                    t.true_positives += 1
                else:
                    t.false_negatives += 1
        for name, kind in found.items():
            if name not in wanted:
                for label in ("all", kind):
                    tallies.setdefault(label, Tally()).false_positives += 1
    return tallies


@cache
def held_out_predictions() -> dict[str, dict[str, str]]:
    docs = documents()
    model = fit([d for d in docs if d.name not in HELD_OUT])
    return {d.name: predict(model, d) for d in docs if d.name in HELD_OUT}


@cache
def cross_validated_predictions(docs: tuple[Document, ...] | None = None) -> dict[str, dict[str, str]]:
    docs = docs or documents()
    return {d.name: predict(fit([o for o in docs if o is not d]), d) for d in docs}


def held_out_table() -> str:
    return table(tally(held_out_predictions(), [d for d in documents() if d.name in HELD_OUT]))


def cross_validated_table() -> str:
    return table(tally(cross_validated_predictions(), list(documents())))


def table(tallies: dict[str, Tally]) -> str:
    lines = ["| type | gold | found | matched | precision | recall | F1 |", "|---|---|---|---|---|---|---|"]
    for label, t in sorted(tallies.items(), key=lambda item: (item[0] != "all", item[0])):
        lines.append(
            f"| {label} | {t.true_positives + t.false_negatives} | {t.true_positives + t.false_positives} | "
            f"{t.true_positives} | {t.precision:.2f} | {t.recall:.2f} | {t.f1:.2f} |"
        )
    return "\n".join(lines)


def write_model(model: Model, path: Path | None = None) -> None:
    path = path or data_file("organisations/model.json")
    spec = {"weights": dict(sorted(model.weights.items())), "bias": model.bias, "threshold": model.threshold}
    path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(arguments: list[str]) -> None:
    docs = documents()
    if "--write" in arguments:
        write_model(fit(list(docs)))
        return
    print("Held-out split (trained on the other documents):")
    print(held_out_table())
    print("\nLeave one document out, over every document:")
    print(cross_validated_table())


if __name__ == "__main__":
    main(sys.argv[1:])
