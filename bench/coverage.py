"""Whether every statement a comparison makes about coverage is true: ``score_coverage.py``.

    python bench/coverage.py [--gold ../shared/data/coverage-dev.jsonl] [--engine offline]
                             [--jobs 2] [--details]

Runs the shared scorer (``../shared/tools/score_coverage.py``, whose docstring defines
every figure) on this checkout's ``parallax`` with the same arguments a user would: for
each row and each outlet, does that outlet state the row's fact? It prints the scorer's
JSON with the coverage issue's targets and the wall time beside it.
"""

from __future__ import annotations

import sys

from shared_scorer import main

# The coverage issue's targets (dev): (figure, "min" or "max", bound).
TARGETS = (
    ("reports_precision", "min", 0.90),
    ("omits_precision", "min", 0.85),
    ("only_in_precision", "min", 0.85),
    ("conflict_precision", "min", 0.60),
    ("shared_recall", "min", 0.60),
    ("omission_recall", "min", 0.40),
    ("only_in_recall", "min", 0.40),
    ("conflict_recall", "min", 5 / 9),
    ("unjudged_rate", "max", 0.10),
    ("rows_per_shared_fact", "max", 1.5),
)

if __name__ == "__main__":
    sys.exit(main("coverage", "score_coverage.py", "coverage-dev.jsonl", TARGETS, __doc__ or ""))
