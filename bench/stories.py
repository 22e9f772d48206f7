"""Story grouping: B-cubed on the NeuS dev mix, ``parallax stories`` end to end, scale.

    .venv/bin/python bench/stories.py [--no-scale]

Prints one JSON object:
- ``dev``: the 180 articles of the 60 NeuS dev events (``../shared/data/neus-dev.jsonl``)
  in one fixed shuffled order, gold = event: B-cubed precision, recall and F1 of
  ``api.stories.group`` and its grouping time;
- ``cli``: that feed as one JSON file through ``parallax stories`` (one process each),
  wall seconds with the comparisons (offline engine) and with ``--no-compare``;
- ``scale``: 1,000 and 10,000 synthetic articles made from the NeuS texts (names,
  figures and 60% of the other words changed per copy; the prototype's generator),
  each grouped in a fresh process: seconds, ms per article, peak RSS, B-cubed.
Runs by hand, not a test.
"""

# The generator's rewrite helpers close over the loop's per-copy maps on purpose (each is
# used within its own iteration).
# ruff: noqa: B023

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.stories import group as grouping  # noqa: E402
from api.stories.group import FeedItem  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "neus-dev.jsonl"
SEED = 19
_HEADLINE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z]\.[A-Z])\.\s+(?=[A-Z\"'“‘(])")


def split_headline(text: str) -> str:
    m = _HEADLINE_END.search(text)
    return text[: m.start()] if m and m.start() < 250 else text[:120]


def events(path: Path = DATA) -> list[list[str]]:
    return [json.loads(line)["articles"] for line in path.read_text().splitlines() if line]


def mixed(evs: list[list[str]], seed: int = SEED) -> tuple[list[FeedItem], list[int]]:
    """All articles in one seeded shuffled order, and each one's gold event."""
    rows = [(text, e) for e, arts in enumerate(evs) for text in arts]
    random.Random(seed).shuffle(rows)
    items = [FeedItem(text=t, title=split_headline(t)) for t, _ in rows]
    return items, [e for _, e in rows]


def bcubed(groups: Sequence[Sequence[int]], gold: Sequence[int]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin), averaged over items."""
    pred = {i: g for g, members in enumerate(groups) for i in members}
    by_pred: dict[int, list[int]] = {}
    by_gold: dict[int, list[int]] = {}
    for i in range(len(gold)):
        by_pred.setdefault(pred[i], []).append(i)
        by_gold.setdefault(gold[i], []).append(i)
    p = r = 0.0
    for i in range(len(gold)):
        same = sum(1 for j in by_pred[pred[i]] if gold[j] == gold[i])
        p += same / len(by_pred[pred[i]])
        r += same / len(by_gold[gold[i]])
    p, r = p / len(gold), r / len(gold)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


_CAPITAL = re.compile(r"\b[A-Z][a-zA-Z]+\b")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# Capitalized words that are not names: a sentence's first word, mostly. Left as they are.
_KEEP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "And",
        "But",
        "Or",
        "Of",
        "To",
        "By",
        "With",
        "From",
        "As",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "This",
        "That",
        "These",
        "Those",
        "His",
        "Her",
        "Their",
        "Our",
        "After",
        "Before",
        "When",
        "While",
        "If",
        "Not",
        "No",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sen",
        "Rep",
        "President",
        "Senate",
        "House",
        "Court",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)
_LOWER = re.compile(r"\b[a-z]{4,}\b")
REWORD = 0.6  # share of a copy's lowercase words (4+ letters) replaced, per copy
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ran",
    "te",
    "vo",
    "zu",
    "bel",
    "dor",
    "fen",
    "gar",
    "hil",
    "jor",
    "kes",
    "lum",
    "nar",
    "pel",
    "quin",
    "ros",
    "sul",
    "tam",
]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def synthetic(n: int, seed: int = 7) -> tuple[list[FeedItem], list[int]]:
    """``n`` articles in stories of 3-6, each story a copy of a NeuS event whose names
    (capitalized words), figures and REWORD of its other words are replaced, one
    mapping per copy (the same word becomes the same replacement throughout): the copy's
    articles agree with each other and differ from every other copy of the event. A
    story's 4th-6th articles are other outlets' wordings rebuilt from the three real
    ones (sentences dropped and reordered). Shuffled with a fixed seed."""
    evs = events()
    vocabulary = sorted({w for texts in evs for t in texts for w in _LOWER.findall(t)})
    rows: list[tuple[str, int]] = []
    story = 0
    while len(rows) < n:
        rng = random.Random(zlib.crc32(f"{seed}:{story}".encode()))
        texts = evs[story % len(evs)]
        names: dict[str, str] = {}
        figures: dict[str, str] = {}

        def swap(match: re.Match[str]) -> str:
            word = match.group(0)
            if word in _KEEP:
                return word
            return names.setdefault(word, _name(rng))

        def refigure(match: re.Match[str]) -> str:
            return figures.setdefault(match.group(0), str(rng.randint(2, 9999)))

        words: dict[str, str] = {}

        def reword(match: re.Match[str]) -> str:
            word = match.group(0)
            if word not in words:
                words[word] = rng.choice(vocabulary) if rng.random() < REWORD else word
            return words[word]

        size = rng.randint(3, 6)
        for k in range(size):
            base = texts[k % 3]
            if k >= 3:  # another wording: the headline, then a subset of the sentences
                sentences = re.split(r"(?<=[.!?])\s+", base)
                body = sentences[1:]
                rng.shuffle(body)
                base = " ".join([sentences[0], *body[: max(1, len(body) - 1)]])
            text = _LOWER.sub(reword, _CAPITAL.sub(swap, base))
            rows.append((_NUMBER.sub(refigure, text), story))
        story += 1
    rows = rows[:n]
    random.Random(seed).shuffle(rows)
    return [FeedItem(text=t, title=split_headline(t)) for t, _ in rows], [s for _, s in rows]


def dev() -> dict[str, Any]:
    items, gold = mixed(events())
    grouping.group(items[:20])  # the embedding model loads once per process
    started = time.perf_counter()
    stories = grouping.group(items)
    seconds = time.perf_counter() - started
    scores = {k: round(v, 4) for k, v in bcubed(stories, gold).items()}
    return {
        "articles": len(items),
        "events": len(set(gold)),
        "threshold": grouping.THRESHOLD,
        **scores,
        "stories": len(stories),
        "grouping_seconds": round(seconds, 3),
    }


def cli() -> dict[str, Any]:
    rows = [(t, e) for e, arts in enumerate(events()) for t in arts]
    random.Random(SEED).shuffle(rows)
    feed = [{"text": t, "title": split_headline(t)} for t, _ in rows]
    out: dict[str, Any] = {"articles": len(feed)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feed.json"
        path.write_text(json.dumps(feed), encoding="utf-8")
        for name, extra in (("with_compare", []), ("no_compare", ["--no-compare"])):
            cmd = [str(ROOT / ".venv/bin/parallax"), "stories", "-q", "--format", "json"]
            started = time.perf_counter()
            done = subprocess.run([*cmd, *extra, str(path)], capture_output=True, check=True)
            seconds = time.perf_counter() - started
            result = json.loads(done.stdout)
            out[name] = {
                "seconds": round(seconds, 2),
                "stories": len(result["stories"]),
                "compared": sum(s["comparison"] is not None for s in result["stories"]),
                "timings_ms": result["timings_ms"],
            }
    return out


def scale_run(n: int) -> dict[str, Any]:
    items, gold = synthetic(n)
    grouping.group(items[:50])  # load the embedding model first
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    stories = grouping.group(items)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "articles": n,
        "gold_stories": len(set(gold)),
        "stories": len(stories),
        "seconds": round(seconds, 3),
        "ms_per_article": round(1000 * seconds / n, 3),
        "peak_rss_mb": round(peak / 1024, 1),
        "rss_before_grouping_mb": round(rss_before / 1024, 1),
        "bcubed": {k: round(v, 4) for k, v in bcubed(stories, gold).items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--scale-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scale_one:
        print(json.dumps(scale_run(args.scale_one)))
        return 0
    report: dict[str, Any] = {"dev": dev(), "cli": cli()}
    if not args.no_scale:
        report["scale"] = [
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--scale-one", str(n)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for n in (1_000, 10_000)
        ]
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
