"""One ``parallax compare`` process on real text: wall time, peak memory and growth.

    python bench/speed_real.py [--sizes 30,300] [--words 800] [--repeat 3]
                               [--parallax .venv/bin/parallax] [--baseline OTHER_BIN]

Real text gives about three times the claims of the synthetic corpus of
bench/speed.py, so this is the figure a newsroom sees. Each article joins NeuS texts
(../shared/data/neus-dev.jsonl, 180 texts of about 60 words) in a fixed shuffled
order until it has ``--words`` words, with the outlet of its first text. The whole
command is timed: start-up, reading the JSON input, the comparison and writing the
JSON result to a pipe. Peak memory is the child's own high-water mark (wait4).

``--baseline`` times another build's command on the same input, alternating runs with
``--parallax``, so that the ratio of the two is measured under the same load; compare
ratios from one run, never seconds across runs. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEUS = ROOT.parent / "shared" / "data" / "neus-dev.jsonl"
OUTLETS = ("left", "centre", "right")


def real_articles(n: int, words: int, seed: int = 11) -> list[dict[str, str]]:
    """``n`` articles of about ``words`` words, each NeuS texts joined in shuffled order."""
    texts: list[tuple[str, str]] = []
    for line in NEUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            for outlet, text in zip(OUTLETS, json.loads(line)["articles"], strict=False):
                texts.append((outlet, text.strip()))
    rng = random.Random(seed)
    order: list[int] = []
    out: list[dict[str, str]] = []
    for k in range(n):
        parts: list[str] = []
        outlet = ""
        while sum(len(p.split()) for p in parts) < words:
            if not order:
                order = list(range(len(texts)))
                rng.shuffle(order)
            o, text = texts[order.pop()]
            outlet = outlet or o
            parts.append(text)
        out.append({"outlet": f"{outlet} {k + 1}", "text": "\n\n".join(parts)})
    return out


def measure(command: str, path: Path) -> dict[str, Any]:
    """One run of ``command`` on ``path``: wall time, and the child's own peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [command, "compare", str(path), "--format", "json", "--quiet"], stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)  # this child's rusage, not the sum of all
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 3):
            raise SystemExit(f"{command} exited {code}: {err.read().decode()[-400:]}")
        result = json.loads(out.read())
    return {
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "claims": sum(len(a["claims"]) for a in result["articles"]),
        "clusters": len(result["clusters"]),
        "timings_ms": result.get("timings_ms", {}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="30,300")
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parallax", default=str(ROOT / ".venv" / "bin" / "parallax"))
    parser.add_argument("--baseline", default=None, help="another build's parallax command")
    args = parser.parse_args()
    if not NEUS.exists():
        print(f"speed_real: {NEUS} not found (../shared beside the project)", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    commands = {"build": args.parallax} | ({"baseline": args.baseline} if args.baseline else {})
    report: dict[str, Any] = {"words": args.words, "repeat": args.repeat, "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="speed-real-") as tmp:
        for n in sizes:
            path = Path(tmp) / f"real-{n}.json"
            arts = real_articles(n, args.words)
            path.write_text(json.dumps(arts), encoding="utf-8")
            runs: dict[str, list[dict[str, Any]]] = {k: [] for k in commands}
            for _ in range(args.repeat):
                for name, command in commands.items():  # alternate: same load for both
                    runs[name].append(measure(command, path))
            entry: dict[str, Any] = {"words": sum(len(a["text"].split()) for a in arts)}
            for name, rows in runs.items():
                best = min(rows, key=lambda r: r["wall_s"])
                entry[name] = best | {"all_wall_s": [r["wall_s"] for r in rows]}
            if "baseline" in entry:
                entry["ratio_build_to_baseline"] = round(
                    entry["build"]["wall_s"] / entry["baseline"]["wall_s"], 3
                )
            report["sizes"][str(n)] = entry
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        ta = report["sizes"][str(a)]["build"]["wall_s"]
        tb = report["sizes"][str(b)]["build"]["wall_s"]
        report["growth"] = {
            "from": a,
            "to": b,
            "time_ratio": round(tb / ta, 2),
            "n_ratio": round(b / a, 2),
            "nlogn_ratio": round(b * math.log(b) / (a * math.log(a)), 2),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
