"""Precision and recall of the theme tagger against the hand-labelled findings.

`python -m tests.themes.evaluate` prints the overall table the README shows (the dev split the
model was trained on, the test split of documents nothing was tuned on); `... evaluate test`
the figures of each theme on the test split.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sendkg.themes import tag_texts

LABELLED = Path(__file__).parent / "labelled-findings.jsonl"


def labelled() -> list[dict]:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if "_about" not in row]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(rows: list[dict]) -> tuple[Counts, dict[str, Counts], list[tuple[dict, set, set]]]:
    predicted = tag_texts([row["text"] for row in rows])
    overall, per_theme, errors = Counts(), {}, []
    for row, matches in zip(rows, predicted):
        want, got = set(row["themes"]), {m.theme for m in matches}
        for theme in want | got:
            counts = per_theme.setdefault(theme, Counts())
            if theme in want and theme in got:
                counts.tp += 1
                overall.tp += 1
            elif theme in got:
                counts.fp += 1
                overall.fp += 1
            else:
                counts.fn += 1
                overall.fn += 1
        if want != got:
            errors.append((row, want - got, got - want))
    return overall, per_theme, errors


SPLITS = {
    "dev": "dev (the model was trained on it)",
    "test": "test (documents nothing was tuned on)",
}


def table(split: str | None = None) -> str:
    """The overall figures for each split; with `split`, the figures of each theme on it."""
    rows = labelled()
    if split is None:
        lines = ["| split | findings | precision | recall |", "|---|---|---|---|"]
        for name, title in SPLITS.items():
            chosen = [r for r in rows if r["split"] == name]
            overall, _, _ = evaluate(chosen)
            lines.append(f"| {title} | {len(chosen)} | {overall.precision:.2f} | {overall.recall:.2f} |")
        return "\n".join(lines) + "\n"
    _, per_theme, _ = evaluate([r for r in rows if r["split"] == split])
    lines = ["| theme | labelled | tagged | correct | precision | recall |", "|---|---:|---:|---:|---:|---:|"]
    for theme, c in sorted(per_theme.items()):
        lines.append(f"| {theme} | {c.tp + c.fn} | {c.tp + c.fp} | {c.tp} | {c.precision:.2f} | {c.recall:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    print(table(*sys.argv[1:2]), end="")
