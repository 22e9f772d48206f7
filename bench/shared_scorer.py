"""Run one of the shared scorers (../shared/tools/) on this checkout, as a user would.

bench/alignment.py and bench/coverage.py both print a scorer's own JSON with the
targets of their issue beside it; nothing is re-implemented here, so the figures are
the scorer's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
# (figure, "min" or "max", bound)
Target = tuple[str, str, float]


def main(benchmark: str, scorer: str, gold: str, targets: Sequence[Target], doc: str) -> int:
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=SHARED / "data" / gold)
    ap.add_argument("--scorer", type=Path, default=SHARED / "tools" / scorer)
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
    figures: dict[str, Any] = json.loads(done.stdout)
    met = {}
    for name, sense, bound in targets:
        value = figures.get(name)
        met[name] = value is not None and (value >= bound if sense == "min" else value <= bound)
    report = {
        "benchmark": benchmark,
        "gold": a.gold.name,
        "engine": a.engine,
        "wall_s": round(time.perf_counter() - started, 1),
        **figures,
        "targets": {name: f"{'>=' if s == 'min' else '<='} {b}" for name, s, b in targets},
        "met": met,
    }
    print(json.dumps(report))
    return done.returncode
