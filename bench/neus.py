"""ROUGE of the offline brief on NeuS dev clusters, beside two published systems.

    python bench/neus.py [--data ../shared/data/neus-dev.jsonl] [--max-words 75]

Each cluster's three articles (left, centre, right) go through the full offline
comparison; its brief is scored against the human neutral summary with rouge-score
(stemming on), and so are the LexRank and Llama-2 + event-graph outputs stored with
the cluster. Prints one JSON object. The data set is read in place, never copied.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

from api import aio
from api.compare.pipeline import compare
from api.engines import get_engine
from api.ingest.inputs import article_from_input
from api.models import ArticleInput
from api.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "neus-dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeL")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--max-words", type=int, default=75)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"neus.py: no data at {args.data}", file=sys.stderr)
        return 2

    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    systems: dict[str, list[dict[str, float]]] = {
        "parallax_offline": [],
        "lexrank": [],
        "llama2_event_graph": [],
    }
    words: list[int] = []
    started = time.perf_counter()
    for row in rows:
        brief = aio.run(_brief(row["articles"], args.max_words))
        words.append(len(brief.split()))
        outputs = {"parallax_offline": brief, **row["baselines"]}
        for name, text in outputs.items():
            scores = scorer.score(row["reference"], text)
            systems[name].append({m: scores[m].fmeasure for m in METRICS})
    elapsed = time.perf_counter() - started

    report: dict[str, Any] = {
        "benchmark": "neus-dev",
        "clusters": len(rows),
        "max_words": args.max_words,
        "brief_words_mean": round(statistics.mean(words), 1),
        "seconds": round(elapsed, 2),
        "rouge_f1": {
            name: {m: round(100 * statistics.mean(s[m] for s in scores), 2) for m in METRICS}
            for name, scores in systems.items()
        },
    }
    print(json.dumps(report, indent=2))
    return 0


async def _brief(texts: list[str], max_words: int) -> str:
    articles = [
        article_from_input(
            ArticleInput(text=text, outlet=outlet), article_id=f"a{i}", source=outlet
        )
        for i, (text, outlet) in enumerate(zip(texts, ("left", "centre", "right"), strict=False), 1)
    ]
    result = await compare(
        articles,
        get_engine("offline", get_settings()),
        max_words=max_words,
        summary_max_words=max_words,
    )
    return result.summary


if __name__ == "__main__":
    raise SystemExit(main())
