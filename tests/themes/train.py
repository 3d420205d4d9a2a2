"""Train the theme model on the dev split of the hand-labelled findings, choosing its two
likelihoods by cross-validation over dev documents; the test split is never read.

    .venv/bin/python -m tests.themes.train           # cross-validated figures and the likelihoods chosen
    .venv/bin/python -m tests.themes.train --write   # also write sendkg/data/themes/model.json

Each theme with at least `MIN_EXAMPLES` labelled findings in dev gets a logistic model (L2, class
weights balanced) over `sendkg.themes.features`, TF-IDF weighted and scaled to unit length (the
inverse document frequencies are shipped with the weights); rarer themes are left to their labels
alone. TF-IDF with C=30 and stop words left out was chosen over binary features with C=1 (and over
trigrams, section and polarity, spaCy's textcat_multilabel, averaging, stacking) by
cross-validation over dev documents, with the likelihoods chosen inside each fold.
"""

from __future__ import annotations

import json
import math
import sys

import numpy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import normalize

from sendkg.nlp import pipeline
from sendkg.resources import data_file
from sendkg.themes import ThemeModel, features, lemmatised, matched_words, matcher
from tests.themes.evaluate import labelled

MIN_EXAMPLES = 3
C = 30.0
PRUNE = 0.3  # weights smaller than this are left out, so the shipped model is a few hundred KB, not 5 MB
WITH_WORDS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
ALONE = (0.3, 0.4, 0.5, 0.6, 0.7)
FOLDS = 5
OWN_THRESHOLDS = 10  # examples in dev a theme needs to have its likelihoods chosen for it alone


def described(rows: list[dict]) -> tuple[list[list[str]], list[set[str]]]:
    """Each finding's features, and the themes its labels matched."""
    nlp, phrases = pipeline(), matcher()
    docs = list(lemmatised(r["text"].lower() for r in rows))
    found = [set(matched_words(r["text"], doc, nlp, phrases)) for r, doc in zip(rows, docs)]
    return [features(doc, matched) for doc, matched in zip(docs, found)], found


def fitted(feature_lists: list[list[str]], rows: list[dict]) -> ThemeModel:
    vectoriser = DictVectorizer()
    present = vectoriser.fit_transform([dict.fromkeys(f, 1) for f in feature_lists])
    names = vectoriser.get_feature_names_out()
    found_in = numpy.asarray((present > 0).sum(axis=0)).ravel()
    idf = {str(n): round(float(math.log((1 + len(rows)) / (1 + d)) + 1), 4) for n, d in zip(names, found_in)}
    weighted = present.multiply(numpy.array([idf[str(n)] for n in names])).tocsr()  # the rounded idf, as the runtime reads it
    matrix = normalize(weighted)  # each finding's vector of unit length, as ThemeModel.values makes it
    weights, bias = {}, {}
    for theme in sorted({t for r in rows for t in r["themes"]}):
        target = numpy.array([theme in r["themes"] for r in rows])
        if target.sum() < MIN_EXAMPLES:
            continue
        # liblinear: close to lbfgs's optimum at a tenth of the time (the intercept scaled so its penalty is slight)
        fit = LogisticRegression(C=C, solver="liblinear", intercept_scaling=10, tol=1e-5, class_weight="balanced").fit(matrix, target)
        weights[theme] = {str(n): round(float(w), 4) for n, w in zip(names, fit.coef_[0]) if abs(w) >= PRUNE}
        bias[theme] = round(float(fit.intercept_[0]), 4)
    return ThemeModel(weights, bias, with_words=0.0, alone=1.0, idf=idf)


def own_thresholds(rows: list[dict], found: list[set[str]], scores: list[dict[str, float]], default: tuple[float, float]) -> dict[str, list[float]]:
    """For each theme with enough examples, the likelihoods that give it the best F1 over the
    cross-validated scores, where they differ from the default."""
    chosen = {}
    for theme in sorted({t for r in rows for t in r["themes"]}):
        if sum(theme in r["themes"] for r in rows) < OWN_THRESHOLDS:
            continue
        best = None
        for pair in [(w, a) for w in WITH_WORDS for a in ALONE]:
            tp = fp = fn = 0
            for row, matched, score in zip(rows, found, scores):
                if theme not in score:
                    continue
                kept = score[theme] >= (pair[0] if theme in matched else pair[1])
                gold = theme in row["themes"]
                tp, fp, fn = tp + (kept and gold), fp + (kept and not gold), fn + (gold and not kept)
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if best is None or f1 > best[0] + 1e-9:
                best = (f1, pair)
        if best and best[1] != default:
            chosen[theme] = list(best[1])
    return chosen


def counts(
    rows: list[dict], found: list[set[str]], scores: list[dict[str, float]], with_words: float, alone: float, thresholds: dict | None = None
) -> tuple[int, int, int]:
    tp = fp = fn = 0
    model = ThemeModel({}, {}, with_words, alone, {t: tuple(p) for t, p in (thresholds or {}).items()})
    for row, matched, score in zip(rows, found, scores):
        kept = {t for t in matched | set(score) if model.kept(t, t in matched, score.get(t))}
        gold = set(row["themes"])
        tp, fp, fn = tp + len(kept & gold), fp + len(kept - gold), fn + len(gold - kept)
    return tp, fp, fn


def main() -> None:
    rows = [r for r in labelled() if r["split"] == "dev"]
    feature_lists, found = described(rows)
    documents = [r["document"] for r in rows]
    scores: list[dict[str, float]] = [{} for _ in rows]
    for train, held in GroupKFold(FOLDS).split(rows, groups=documents):
        model = fitted([feature_lists[i] for i in train], [rows[i] for i in train])
        for i in held:
            scores[i] = model.scores(feature_lists[i])
    best = None
    for with_words in WITH_WORDS:
        for alone in ALONE:
            tp, fp, fn = counts(rows, found, scores, with_words, alone)
            f1 = 2 * tp / (2 * tp + fp + fn)
            if best is None or f1 > best[0]:
                best = (f1, with_words, alone, tp / (tp + fp), tp / (tp + fn))
    f1, with_words, alone, precision, recall = best
    print(f"dev, {FOLDS}-fold cross-validation by document ({len(rows)} findings): precision {precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}")
    print(f"likelihood needed: {with_words} with a label matched, {alone} without")
    thresholds = own_thresholds(rows, found, scores, (with_words, alone))
    tp, fp, fn = counts(rows, found, scores, with_words, alone, thresholds)
    print(f"with {len(thresholds)} themes' own likelihoods: precision {tp / (tp + fp):.2f}, recall {tp / (tp + fn):.2f}, F1 {2 * tp / (2 * tp + fp + fn):.2f}")
    if "--write" in sys.argv:
        model = fitted(feature_lists, rows)
        names = sorted(model.idf)
        position = {name: i for i, name in enumerate(names)}
        weights = {theme: [[position[f], w] for f, w in sorted(ws.items())] for theme, ws in model.weights.items()}
        spec = {"with_words": with_words, "alone": alone, "thresholds": thresholds, "bias": model.bias, "features": names, "idf": [model.idf[n] for n in names], "weights": weights}
        path = data_file("themes/model.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(spec, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"written: {path} ({len(model.weights)} themes modelled)")


if __name__ == "__main__":
    main()
