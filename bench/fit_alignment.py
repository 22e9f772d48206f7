"""Fit the pair model of api/align/pairscore.py on labelled real coverage; say how well it ranks.

    python bench/fit_alignment.py [--gold ../shared/data/align-dev.jsonl] [--l2 1.0]

For every event it builds the articles and offline claims exactly as ``parallax
compare`` does, scores every pair of claims of different outlets with
``api.align.pairscore.features``, and labels a pair positive when the gold pairs any sentence
its two claims overlap (the mapping of ``score_alignment.py``). It fits an L2-regularized
logistic regression on standardized features by plain gradient descent (deterministic),
reports the 5-fold (by event) cross-validated ROC AUC beside the AUC of each feature
alone, and prints the constants to paste into api/align/pairscore.py. One JSON object.

The fit is global: one weight per feature for every event, never a choice per event.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from api.align.pairscore import FEATURES, features, probabilities, signals
from api.claims.extract import extract_claims
from api.ingest.inputs import article_from_input
from api.models import ArticleInput, Claim

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
Array = npt.NDArray[np.float64]


def load_scorer(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score_alignment", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event_claims(event: dict[str, Any], scorer: Any) -> tuple[list[Claim], dict[str, set[str]]]:
    """The event's offline claims, as ``parallax compare`` makes them, and for each claim
    id the gold sentences its evidence overlaps (the mapping of ``score_alignment.py``)."""
    articles = [
        article_from_input(
            ArticleInput(text=a["text"], outlet=a["outlet"]), article_id=f"a{i}", source="gold"
        )
        for i, a in enumerate(event["articles"], 1)
    ]
    claims: list[Claim] = [c for a in articles for c in extract_claims(a)]
    sentences: dict[str, set[str]] = {}
    for article, gold in zip(articles, event["articles"], strict=True):
        spans = scorer._sentence_spans({"text": article.text}, gold)
        for c in claims:
            if c.article_id == article.id:
                s, e = c.evidence.start, c.evidence.end
                sentences[c.id] = {sid for ss, se, sid in spans if ss < e and s < se}
    return claims, sentences


def event_pairs(event: dict[str, Any], scorer: Any) -> tuple[Array, list[bool]]:
    claims, sentences = event_claims(event, scorer)
    gold_pairs = {tuple(sorted((p["a"], p["b"]))) for p in event["pairs"]}
    index = [
        (i, j)
        for i in range(len(claims))
        for j in range(i + 1, len(claims))
        if claims[i].article_id != claims[j].article_id
    ]
    labels = [
        any(
            tuple(sorted((x, y))) in gold_pairs
            for x in sentences[claims[i].id]
            for y in sentences[claims[j].id]
        )
        for i, j in index
    ]
    return features(signals(claims), index), labels


def fit(x: Array, y: Array, l2: float, steps: int = 4000, rate: float = 0.5) -> dict[str, Any]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        w -= rate * (z.T @ (p - y) + l2 * w) / len(y)
        b -= rate * float((p - y).mean())
    return {"mean": mean, "scale": scale, "weights": w, "bias": b}


def predict(model: dict[str, Any], x: Array) -> Array:
    z = ((x - model["mean"]) / model["scale"]) @ model["weights"] + model["bias"]
    out: Array = 1.0 / (1.0 + np.exp(-z))
    return out


def auc(scores: Array, labels: Array) -> float:
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels.sum()
    neg = len(labels) - pos
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "align-dev.jsonl")
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_alignment.py")
    ap.add_argument("--l2", type=float, default=1.0)
    a = ap.parse_args()
    scorer = load_scorer(a.scorer)
    events = [json.loads(line) for line in a.gold.read_text("utf-8").splitlines() if line]
    xs, ys, groups = [], [], []
    for k, event in enumerate(events):
        x, labels = event_pairs(event, scorer)
        xs.append(x)
        ys.extend(labels)
        groups.extend([k] * len(labels))
    x_all = np.vstack(xs)
    y_all = np.array(ys, dtype=float)
    fold = np.array(groups) % 5
    cv = np.zeros(len(y_all))
    for f in range(5):
        train = fold != f
        cv[~train] = predict(fit(x_all[train], y_all[train], a.l2), x_all[~train])
    model = fit(x_all, y_all, a.l2)
    try:
        shipped_auc: float | None = round(auc(probabilities(x_all), y_all), 4)
    except ValueError:  # the features changed: the shipped constants no longer fit
        shipped_auc = None
    print(
        json.dumps(
            {
                "events": len(events),
                "pairs": len(y_all),
                "positive": int(y_all.sum()),
                "cv_auc": round(auc(cv, y_all), 4),
                "shipped_model_auc": shipped_auc,
                "feature_auc": {
                    name: round(auc(x_all[:, k], y_all), 4) for k, name in enumerate(FEATURES)
                },
                "constants": {
                    "_MEAN": [round(float(v), 4) for v in model["mean"]],
                    "_SCALE": [round(float(v), 4) for v in model["scale"]],
                    "_WEIGHTS": [round(float(v), 4) for v in model["weights"]],
                    "_BIAS": round(float(model["bias"]), 4),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
