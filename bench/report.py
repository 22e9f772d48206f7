"""Report rendering time and size as the number of articles grows.

    python bench/report.py [--sizes 4,30,300] [--words 800] [--topics 10] [--repeat 3]

Builds the comparisons with the offline engine on the same synthetic articles as
bench/speed.py (not timed here), then times ``render_comparison_html`` and
``render_comparison_md`` on each (best of ``--repeat``) and reports the output size,
the number of matrix cells and highlighted spans. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from speed import make_articles, run_once

from api.models import Comparison
from api.reports.html import render_comparison_html
from api.reports.markdown import render_comparison_md


def best_time(render: Callable[[Comparison], str], c: Comparison, repeat: int) -> tuple[float, str]:
    best, out = float("inf"), ""
    for _ in range(repeat):
        start = time.perf_counter()
        out = render(c)
        best = min(best, time.perf_counter() - start)
    return best, out


def measure(n: int, args: argparse.Namespace) -> dict[str, Any]:
    _, c = run_once(make_articles(n, args.words, args.topics))
    html_s, html = best_time(render_comparison_html, c, args.repeat)
    md_s, md = best_time(render_comparison_md, c, args.repeat)
    return {
        "articles": n,
        "claims": sum(len(a.claims) for a in c.articles),
        "clusters": len(c.clusters),
        "omissions": sum(len(o.clusters) for o in c.omissions),
        "html_ms": round(html_s * 1000, 1),
        "html_kib": round(len(html.encode()) / 1024),
        "html_matrix_cells": html.count('<td class="cell-'),
        "html_spans": html.count('<mark class="claim status-') - 4,  # less the legend
        "md_ms": round(md_s * 1000, 1),
        "md_kib": round(len(md.encode()) / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="4,30,300", help="comma-separated article counts")
    parser.add_argument("--words", type=int, default=800, help="words per article (about)")
    parser.add_argument("--topics", type=int, default=10, help="distinct events")
    parser.add_argument("--repeat", type=int, default=3, help="renders per size; best counts")
    args = parser.parse_args(argv)
    rows = []
    for n in sorted({int(s) for s in args.sizes.split(",") if s.strip()}):
        rows.append(measure(n, args))
        print(f"report.py: {n} articles: html {rows[-1]['html_ms']} ms", file=sys.stderr)
    print(json.dumps({"benchmark": "report-render", "words": args.words, "sizes": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
