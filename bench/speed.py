"""Offline compare throughput, and time per stage, as the number of articles grows.

    python bench/speed.py [--sizes 3,30,300] [--words 800] [--topics 10] [--repeat N]

Synthetic articles of about ``--words`` words are built deterministically from the
seed articles in seeds/: each one samples, in story order, seed sentences and variants
of them (a figure changed, two words swapped, a clause dropped), plus a few filler
sentences of its own. ``--topics`` events share that structure but not their names
(Kursk, Sudzha, Rubicon, ... are renamed per topic), so many articles overlap heavily
on the same few events: the hard case for blocking.

Each size is run ``--repeat`` times (default 3 below 100 articles, else 1); the best
wall time is the headline and its run's ``timings_ms`` give the stages. Growth between
consecutive sizes is compared with N and with N log N. Peak RSS is the process's
high-water mark after each size (sizes run in ascending order, so it is cumulative);
``--tracemalloc`` adds one more, slower, traced run per size for its Python heap peak.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import math
import os
import platform
import random
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from api import aio
from api.align import decide
from api.align.blocking import candidate_pairs
from api.compare.pipeline import compare
from api.engines.offline import OfflineEngine
from api.ingest.inputs import article_from_input, load_path
from api.models import Article, ArticleInput, Comparison
from api.text.sentences import sentences

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
STAGES = ("analyze", "blocking", "judge", "cluster", "brief")
NLOGN_SLACK = 1.25

# --- synthetic articles -----------------------------------------------------------------

# Names renamed per topic (topic 0 keeps the originals).
NAMES = (
    "Kursk",
    "Sudzha",
    "Rubicon",
    "Perpetua",
    "Andrew",
    "Lavrov",
    "Sergey",
    "Macron",
    "Emmanuel",
    "Forbes",
    "Trump",
    "Donald",
    "Moscow",
    "Washington",
)
_SYLLABLES = ("ka", "lo", "ver", "mi", "dra", "sen", "tu", "bor", "el", "nik", "qua", "ros")
FILLER_WORDS = {
    "who": (
        "Local officials",
        "Residents",
        "A regional spokesperson",
        "The district council",
        "Volunteers",
        "Railway engineers",
        "Aid workers",
        "Hospital staff",
    ),
    "did": (
        "reported",
        "described",
        "inspected",
        "discussed",
        "confirmed",
        "questioned",
        "photographed",
        "documented",
    ),
    "what": (
        "damage to a school",
        "long queues at the fuel depot",
        "a shortage of insulin",
        "a cracked water main",
        "new checkpoints",
        "a burned-out grain store",
        "power cuts",
        "a crowded shelter",
    ),
    "where": (
        "near the market",
        "outside the station",
        "on the eastern bypass",
        "by the river crossing",
        "in the old quarter",
        "at the bus depot",
    ),
    "when": ("on Tuesday", "late on Sunday", "earlier this week", "overnight", "on Friday"),
    "unit": ("families", "households", "vehicles", "buildings", "workers", "tonnes"),
}


def seed_sentences() -> list[str]:
    """Every body sentence of the seed articles, in file order."""
    out: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        inp = load_path(str(path), max_bytes=1_000_000)[0]
        text = article_from_input(inp, article_id="s", source=str(path)).text
        out.extend(span.of(text) for span in sentences(text))
    return out


def topic_names(topic: int) -> dict[str, str]:
    if topic == 0:
        return {}
    rng = random.Random(f"topic-{topic}")
    made: dict[str, str] = {}
    for name in NAMES:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
        made[name] = word.capitalize()
    return made


def rename(sentence: str, names: dict[str, str]) -> str:
    if not names:
        return sentence
    return re.sub(r"\b(" + "|".join(names) + r")\b", lambda m: names[m.group(1)], sentence)


def variant(sentence: str, rng: random.Random) -> str:
    """The sentence with a figure changed, two words swapped, or a clause dropped."""
    ways = ["swap"]
    if re.search(r"\d", sentence):
        ways += ["figure", "figure"]
    if sentence.count(", ") >= 1:
        ways.append("clause")
    way = rng.choice(ways)
    if way == "figure":
        return re.sub(r"\d", lambda _: str(rng.randint(1, 9)), sentence)
    if way == "clause":
        parts = sentence.rstrip(".!?").split(", ")
        if len(parts) == 2:
            return parts[0] + "."
        del parts[rng.randrange(1, len(parts))]
        return ", ".join(parts) + "."
    words = sentence.split()
    if len(words) < 4:
        return sentence
    k = rng.randrange(1, len(words) - 2)
    words[k], words[k + 1] = words[k + 1], words[k]
    return " ".join(words)


def filler(rng: random.Random, town: str) -> str:
    pick = {key: rng.choice(values) for key, values in FILLER_WORDS.items()}
    return (
        f"{pick['who']} in {town} {pick['did']} {pick['what']} {pick['where']} "
        f"{pick['when']}, affecting {rng.randint(2, 400)} {pick['unit']}."
    )


def make_articles(n: int, words: int, topics: int, seed: int = 7) -> list[Article]:
    base = seed_sentences()
    rng = random.Random(seed)
    # Per topic: each seed sentence renamed, with two variants shared by that topic.
    pools: list[list[list[str]]] = []
    towns: list[str] = []
    for t in range(topics):
        names = topic_names(t)
        towns.append(names.get("Kursk", "Kursk"))
        renamed = [rename(s, names) for s in base]
        pools.append([[s, variant(s, rng), variant(s, rng)] for s in renamed])
    articles = []
    for i in range(n):
        topic = i % topics
        # Seed sentences in a random choice until ~words, each maybe followed by a filler.
        picked: list[tuple[int, str, str | None]] = []
        count = 0
        for k in rng.sample(range(len(base)), len(base)):
            if count >= words:
                break
            sentence = pools[topic][k][0 if rng.random() < 0.5 else rng.randint(1, 2)]
            extra = filler(rng, towns[topic]) if rng.random() < 0.2 else None
            picked.append((k, sentence, extra))
            count += len(sentence.split()) + (len(extra.split()) if extra else 0)
        body: list[str] = []
        for _, sentence, extra in sorted(picked):  # story order
            body.append(sentence)
            if extra:
                body.append(extra)
        text = _paragraphs(body, rng)
        inp = ArticleInput(text=text, title=f"Topic {topic} report {i + 1}", outlet=f"outlet{i}")
        articles.append(article_from_input(inp, article_id=f"a{i + 1}", source=f"synthetic/{i}"))
    return articles


def _paragraphs(body: list[str], rng: random.Random) -> str:
    lines: list[str] = []
    k = 0
    while k < len(body):
        size = rng.randint(3, 5)
        lines.append(" ".join(body[k : k + size]))
        k += size
    return "\n".join(lines)


# --- measuring --------------------------------------------------------------------------


def run_once(articles: list[Article]) -> tuple[float, Comparison]:
    gc.collect()
    started = time.perf_counter()
    result = aio.run(compare(articles, OfflineEngine(), max_words=150, summary_max_words=60))
    return time.perf_counter() - started, result


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def measure(n: int, args: argparse.Namespace) -> dict[str, Any]:
    articles = make_articles(n, args.words, args.topics, args.seed)
    repeat = args.repeat or (3 if n < 100 else 1)
    runs = [run_once(articles) for _ in range(repeat)]
    walls = [w for w, _ in runs]
    best_wall, best = min(runs, key=lambda r: r[0])
    claims = [c for a in best.articles for c in a.claims]
    stages = {s: best.timings_ms.get(s, 0.0) for s in STAGES}
    row: dict[str, Any] = {
        "articles": n,
        "words_mean": round(statistics.mean(len(a.text.split()) for a in articles)),
        "runs": repeat,
        "wall_s_best": round(best_wall, 3),
        "wall_s_median": round(statistics.median(walls), 3),
        "articles_per_s": round(n / best_wall, 1),
        "claims": len(claims),
        "clusters": len(best.clusters),
        "clusters_by_status": dict(sorted(Counter(k.status.value for k in best.clusters).items())),
        "stages_ms": stages,
        "other_ms": round(best_wall * 1000 - sum(stages.values()), 1),
        "dominant_stage": max(stages, key=stages.__getitem__),
    }
    if args.pairs:  # blocking again, outside the timed run, to count its output
        pairs = candidate_pairs(claims)
        row["candidate_pairs"] = len(pairs)
        row["ambiguous_pairs"] = sum(decide.is_ambiguous(p) for p in pairs)
        row["pairs_per_claim"] = round(len(pairs) / max(len(claims), 1), 2)
    row["peak_rss_mb"] = peak_rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
        run_once(articles)
        row["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    return row


def growth(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    n_a, n_b = a["articles"], b["articles"]
    n_ratio = n_b / n_a
    nlogn = (n_b * math.log(n_b)) / (n_a * math.log(n_a))
    t_ratio = b["wall_s_best"] / a["wall_s_best"]
    return {
        "from": n_a,
        "to": n_b,
        "n_ratio": round(n_ratio, 2),
        "nlogn_ratio": round(nlogn, 2),
        "time_ratio": round(t_ratio, 2),
        "exponent": round(math.log(t_ratio) / math.log(n_ratio), 2),
        "claims_ratio": round(b["claims"] / max(a["claims"], 1), 2),
        "stage_ratios": {
            s: round(b["stages_ms"][s] / a["stages_ms"][s], 2) if a["stages_ms"][s] else None
            for s in STAGES
        },
        "within_nlogn": t_ratio <= NLOGN_SLACK * nlogn,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3,30,300", help="comma-separated article counts")
    parser.add_argument("--words", type=int, default=800, help="words per article (about)")
    parser.add_argument("--topics", type=int, default=10, help="distinct events")
    parser.add_argument("--repeat", type=int, default=0, help="runs per size (0: 3 if <100)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-pairs", dest="pairs", action="store_false", help="skip pair count")
    parser.add_argument("--tracemalloc", action="store_true", help="extra traced run per size")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not sizes or sizes[0] < 2:
        print("speed.py: every size must be at least 2", file=sys.stderr)
        return 2

    rss_start = peak_rss_mb()
    rows = []
    for n in sizes:
        rows.append(measure(n, args))
        print(f"speed.py: {n} articles in {rows[-1]['wall_s_best']} s", file=sys.stderr)
    steps = [growth(a, b) for a, b in itertools.pairwise(rows)]
    headline = next((g for g in steps if (g["from"], g["to"]) == (30, 300)), None)
    report: dict[str, Any] = {
        "benchmark": "offline-compare-speed",
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "processor": platform.machine(),
        },
        "words": args.words,
        "topics": args.topics,
        "seed": args.seed,
        "peak_rss_mb_before": rss_start,
        "sizes": rows,
        "growth": steps,
        "within_nlogn_30_300": headline["within_nlogn"] if headline else None,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
