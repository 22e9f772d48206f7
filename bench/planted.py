"""Planted edits on real articles: does a known change come out as it should?

    python bench/planted.py [--events N] [--per-event 3] [--two-only] [--examples 5]

Each NeuS article (../shared/data/neus-dev.jsonl, 60 events x 3 outlets) is compared,
in process with the offline engine, with copies of itself (tests/planted_support.py
defines the cases and what counts as success):

* ``self``: an exact copy must give no conflict and nothing unique or unmatched;
* ``figure``: one seeded figure changed (x1.5, formatting kept) must give exactly one
  conflict cluster, holding the edited claim and naming both figures;
* ``delete``: one seeded sentence (not the headline) deleted must leave its claims
  ``unique``, with no conflict.

Then again with three articles (original, exact copy, edited copy), where a deleted
sentence must be ``partial`` and omitted by the edited copy. Articles without a
figure (or with one sentence) do not count for that check. Prints one JSON object:
counts, rates and the first failures of each check.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.planted_support import (  # noqa: E402
    CHECKS,
    NEUS,
    SEED,
    Outcome,
    load_cases,
    outcomes,
    rate,
)


def summary(results: list[Outcome], examples: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for check in CHECKS:
        passed, cases = rate(results, check)
        failures = [r for r in results if r.check == check and r.applicable and not r.ok]
        out[check] = {
            "passed": passed,
            "cases": cases,
            "rate": round(passed / cases, 4) if cases else None,
            "not_applicable": sum(r.check == check and not r.applicable for r in results),
            "failures": [{"case": r.name, "what": r.detail} for r in failures[:examples]],
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=NEUS)
    parser.add_argument("--events", type=int, default=None, help="first N events (all)")
    parser.add_argument("--per-event", type=int, default=3)
    parser.add_argument("--two-only", action="store_true", help="skip the 3-article runs")
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args()
    if not args.data.exists():
        print(f"no data at {args.data}: this benchmark reads ../shared/data", file=sys.stderr)
        return 2
    logging.disable(logging.INFO)  # one line per article loaded would drown the JSON

    cases = load_cases(args.data, args.events, args.per_event)
    report: dict[str, Any] = {
        "data": str(args.data),
        "articles": len(cases),
        "seed": SEED,
        "engine": "offline",
    }
    for label, three in (("two_articles", False), ("three_articles", True)):
        if three and args.two_only:
            continue
        start = time.perf_counter()
        results = list(outcomes(cases, three))
        report[label] = summary(results, args.examples)
        report[label]["seconds"] = round(time.perf_counter() - start, 2)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
