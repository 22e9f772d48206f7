"""Alignment quality on labelled real coverage: the figures of ``score_alignment.py``.

    python bench/alignment.py [--gold ../shared/data/align-dev.jsonl] [--engine offline]
                              [--jobs 2] [--details]

Runs the shared scorer (``../shared/tools/score_alignment.py``, whose docstring defines
every figure) on this checkout's ``parallax`` with the same arguments a user would, and
prints its JSON with the targets of the alignment issue and the wall time beside it.
Nothing is re-implemented here, so the figures are the scorer's own.
"""

from __future__ import annotations

import sys

from shared_scorer import main

# The alignment issue's targets: (figure, "min" or "max", bound).
TARGETS = (
    ("support_f1", "min", 0.90),
    ("link_f1", "min", 0.80),
    ("false_omission_rate", "max", 0.10),
    ("omission_recall", "min", 0.60),
    ("false_unique_rate", "max", 0.10),
    ("unique_recall", "min", 0.60),
    ("conflict_recall", "min", 0.6),
    ("conflict_precision", "min", 0.5),
)


if __name__ == "__main__":
    sys.exit(main("alignment", "score_alignment.py", "align-dev.jsonl", TARGETS, __doc__ or ""))
