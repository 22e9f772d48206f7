"""How far "only in X" and "omitted by X" can go on labelled coverage with the offline signals.

    python bench/alignment_ceiling.py [--gold ../shared/data/align-dev.jsonl]

The alignment issue asks for unique and omission recall of at least 0.60 with at most
10% false. Both are one decision per sentence: "no other outlet states this" and
"outlet X states none of this". This bench measures how well each offline signal can
make that decision at its best, before any clustering, so a missed target can be told
apart from a weak model:

- **unique**: every gold sentence that has a claim, ranked by the best score any claim
  of another outlet reaches with one of its claims, lowest first. Positive: gold pairs
  it with nothing.
- **omission**: every (sentence x, outlet X) for which gold pairs x with the third
  outlet (an oracle for support, so the figure is an upper bound), ranked by the best
  score a claim of X reaches with a claim of x, lowest first. Positive: gold pairs x
  with no sentence of X.

For each signal it prints the ROC AUC, the precision at the rank where recall reaches
0.60, and the highest recall at which precision is still 0.90. Both targets need the
second to be at least 0.60 and the first at least 0.90. Signals: the shipped pair model
(``api.align.pairscore.score``, what the offline engine links with) and its features alone.
One JSON object; events and claims are built as ``parallax compare`` builds them.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from fit_alignment import SHARED, auc, event_claims, load_scorer

from api.align.pairscore import FEATURES, features, score, signals

TARGET_RECALL = 0.60
TARGET_PRECISION = 0.90
# The signals ranked: the shipped model, then each single feature that measures how
# close two claims are in meaning or words.
SINGLE = ("embedding", "idf_cosine", "jaccard", "char_grams")


def ranking(scores: Sequence[float], positive: Sequence[bool]) -> dict[str, Any]:
    """Rank lowest score first (least matched); the figures of the module docstring."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(positive, dtype=bool)
    order = np.argsort(s, kind="stable")
    hits = np.cumsum(y[order])
    precision = hits / np.arange(1, len(s) + 1)
    need = int(np.ceil(TARGET_RECALL * y.sum()))
    at_recall = float(precision[int(np.searchsorted(hits, need))])
    ok = precision >= TARGET_PRECISION
    best_recall = float(hits[ok].max() / y.sum()) if ok.any() else 0.0
    return {
        "auc": round(auc(-s, y.astype(float)), 4),
        "precision_at_recall_0.6": round(at_recall, 3),
        "recall_at_precision_0.9": round(best_recall, 3),
    }


def event_rows(event: dict[str, Any], scorer: Any) -> tuple[list[Any], list[Any]]:
    """(signal scores, positive) rows of one event: sentences, then (sentence, outlet)."""
    claims, sentences = event_claims(event, scorer)
    outlet_of = {f"a{i}": a["outlet"] for i, a in enumerate(event["articles"], 1)}
    index = [
        (i, j)
        for i in range(len(claims))
        for j in range(i + 1, len(claims))
        if claims[i].article_id != claims[j].article_id
    ]
    s = signals(claims)
    x = features(s, index)
    columns = [np.asarray(score(s, index))] + [x[:, FEATURES.index(n)] for n in SINGLE]
    # best[(sentence, outlet)]: per signal, the best score of a claim of that outlet.
    best: dict[tuple[str, str], np.ndarray] = {}
    for row, (i, j) in enumerate(index):
        values = np.array([c[row] for c in columns])
        for a, b in ((i, j), (j, i)):
            other = outlet_of[claims[b].article_id]
            for sentence in sentences[claims[a].id]:
                key = (sentence, other)
                best[key] = np.maximum(best[key], values) if key in best else values
    related: dict[str, set[str]] = {}
    for p in event["pairs"]:
        related.setdefault(p["a"], set()).add(p["b"][0])
        related.setdefault(p["b"], set()).add(p["a"][0])
    outlets = sorted(outlet_of.values())
    uniques, omissions = [], []
    for sentence in sorted({sid for sids in sentences.values() for sid in sids}):
        others = [o for o in outlets if o != sentence[0] and (sentence, o) in best]
        if not others:
            continue
        shared = related.get(sentence, set())
        uniques.append((np.max([best[(sentence, o)] for o in others], axis=0), not shared))
        for o in others:
            third = [t for t in outlets if t not in (o, sentence[0])]
            if third and third[0] in shared:
                omissions.append((best[(sentence, o)], o not in shared))
    return uniques, omissions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "align-dev.jsonl")
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_alignment.py")
    a = ap.parse_args()
    logging.disable(logging.INFO)
    scorer = load_scorer(a.scorer)
    events = [json.loads(line) for line in a.gold.read_text("utf-8").splitlines() if line]
    uniques: list[Any] = []
    omissions: list[Any] = []
    for event in events:
        u, o = event_rows(event, scorer)
        uniques += u
        omissions += o
    out: dict[str, Any] = {"events": len(events)}
    for name, rows in (("unique", uniques), ("omission", omissions)):
        values = np.array([r[0] for r in rows])
        positive = [r[1] for r in rows]
        out[name] = {
            "candidates": len(rows),
            "positive": sum(positive),
            "signals": {
                signal: ranking(values[:, k].tolist(), positive)
                for k, signal in enumerate(("pair_model", *SINGLE))
            },
        }
    out["targets"] = {"precision": TARGET_PRECISION, "recall": TARGET_RECALL}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
