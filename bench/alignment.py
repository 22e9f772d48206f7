"""Alignment quality on labelled real coverage: the figures of ``score_alignment.py``.

    python bench/alignment.py [--gold ../shared/data/align-dev.jsonl] [--engine offline]
                              [--jobs 2] [--details]

Runs the shared scorer (``../shared/tools/score_alignment.py``, whose docstring defines
every figure) on this checkout's ``parallax`` with the same arguments a user would, and
prints its JSON with the targets of the alignment issue and the wall time beside it.
Nothing is re-implemented here, so the figures are the scorer's own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# The targets: (figure, "min" or "max", bound).
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / "align-dev.jsonl")
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / "score_alignment.py")
    ap.add_argument("--parallax", type=Path, default=Path(sys.executable).parent / "parallax")
    ap.add_argument("--engine", default="offline")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--details", action="store_true")
    a = ap.parse_args()
    command = [sys.executable, str(a.scorer), str(a.parallax), str(a.gold)]
    command += ["--engine", a.engine, "--jobs", str(a.jobs)]
    if a.details:
        command.append("--details")
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        print(done.stderr, file=sys.stderr)
        return 1
    figures = json.loads(done.stdout)
    met = {}
    for name, sense, bound in TARGETS:
        value = figures.get(name)
        met[name] = value is not None and (value >= bound if sense == "min" else value <= bound)
    print(
        json.dumps(
            {
                "benchmark": "alignment",
                "gold": a.gold.name,
                "engine": a.engine,
                "wall_s": round(time.perf_counter() - started, 1),
                **figures,
                "targets": {name: f"{'>=' if s == 'min' else '<='} {b}" for name, s, b in TARGETS},
                "met": met,
            }
        )
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
