"""The llm engine's critical path, token economy and cache, against the fake server.

Runs a full comparison (summaries, claims, judging, brief) of 2 and 10 generated
articles of about 2,000 tokens against tests/fake_openai.py with a fixed latency L
per call, then the same articles through LangChain's map-reduce summarization
(langchain-classic ``load_summarize_chain(llm, "map_reduce")`` over a
langchain-openai ChatOpenAI pointed at the same server, ``abatch`` over the
articles). Then the CLI as a user runs it: ``parallax compare --engine llm`` on the
10 articles cold (empty cache) and fully cached, whose difference is the LLM's share
of the wall time, and the cold start of ``parallax --help`` and of an offline
``parallax compare``. ``round_trips`` is the longest chain of calls the fake server
answered one after another: the sequential round trips of the critical path.
Prints one JSON object.

    .venv/bin/pip install -e '.[peer]'    # the LangChain peer (optional)
    .venv/bin/python bench/llm_pipeline.py [--latency 0.2]
    .venv/bin/python bench/llm_pipeline.py --cli-only --cli-root ../old-checkout  # before/after
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.compare.pipeline import compare  # noqa: E402
from api.engines.llm.engine import LLMEngine  # noqa: E402
from api.ingest.inputs import article_from_input  # noqa: E402
from api.models import Article, ArticleInput  # noqa: E402
from api.settings import Settings  # noqa: E402
from api.text.sentences import sentences  # noqa: E402
from api.text.tokens import count_tokens  # noqa: E402
from tests.fake_openai import fake_server  # noqa: E402

TARGET_TOKENS = 2_000


def seed_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        body = path.read_text(encoding="utf-8").split("\n\n", 1)[-1]
        out.extend(s.of(body) for s in sentences(body))
    return out


def make_articles(n: int) -> list[Article]:
    """n deterministic articles of ~2,000 tokens: seed sentences, shuffled per article."""
    pool = seed_sentences()
    articles = []
    for i in range(1, n + 1):
        rng = random.Random(i)
        picked: list[str] = []
        while count_tokens(" ".join(picked)) < TARGET_TOKENS:
            batch = pool[:]
            rng.shuffle(batch)
            picked.extend(batch[:8])
        paragraphs = [" ".join(picked[j : j + 4]) for j in range(0, len(picked), 4)]
        articles.append(
            article_from_input(
                ArticleInput(text="\n\n".join(paragraphs), outlet=f"outlet-{i}"),
                article_id=f"a{i}",
                source=f"generated-{i}",
            )
        )
    return articles


def stats(url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{url}/stats").json())


def reset(url: str, **options: Any) -> None:
    httpx.post(f"{url}/reset", json=options)


def settings(url: str, cache_path: Path, **extra: Any) -> Settings:
    values = {
        "llm_base_url": f"{url}/v1",
        "llm_model": "fake-model",
        "cache_path": cache_path,
        "llm_retry_base_seconds": 0.05,
        "llm_retry_max_seconds": 1.0,
        **extra,
    }
    return Settings(_env_file=None).model_copy(update=values)  # type: ignore[call-arg]


def figures(url: str, wall: float, latency: float, article_tokens: int) -> dict[str, Any]:
    s = stats(url)
    return {
        "wall_s": round(wall, 3),
        "llm_calls": s["completions"],
        "rejected_429": s["rejected"],
        "wall_over_latency": round(wall / latency, 2) if latency else None,
        "round_trips": s["round_trips"],
        "prompt_tokens": s["prompt_tokens"],
        "article_tokens": article_tokens,
        "prompt_over_article_tokens": round(s["prompt_tokens"] / article_tokens, 3),
        "max_in_flight": s["max_in_flight"],
        "calls_by_task": s["tasks"],
    }


async def run_parallax(url: str, n: int, latency: float, tmp: Path) -> dict[str, Any]:
    articles = make_articles(n)
    article_tokens = sum(count_tokens(a.text) for a in articles)
    cache = tmp / f"cache-{n}-{latency}.sqlite3"
    reset(url, latency=latency)
    started = time.perf_counter()
    result = await compare(
        articles, LLMEngine(settings(url, cache)), max_words=75, summary_max_words=60
    )
    out = figures(url, time.perf_counter() - started, latency, article_tokens)
    out["within_5L_plus_1s"] = out["wall_s"] <= 5 * latency + 1
    overhead = (out["prompt_tokens"] - 2 * article_tokens) / max(out["llm_calls"], 1)
    out["prompt_tokens_over_2x_article_per_call"] = round(overhead, 1)
    out["clusters"], out["errors"] = len(result.clusters), len(result.errors)
    out["usage"] = result.usage.model_dump()
    reset(url, latency=latency)
    again = await compare(
        articles, LLMEngine(settings(url, cache)), max_words=75, summary_max_words=60
    )
    out["second_run_calls"] = stats(url)["completions"]
    out["second_run_cached_calls"] = again.usage.cached_calls
    return out


async def run_rate_limited(url: str, n: int, latency: float, tmp: Path) -> dict[str, Any]:
    articles = make_articles(n)
    reset(url, latency=latency, fail_every=5)
    started = time.perf_counter()
    result = await compare(
        articles,
        LLMEngine(settings(url, tmp / "unused.sqlite3", cache=False)),
        max_words=75,
        summary_max_words=60,
    )
    out = figures(url, time.perf_counter() - started, latency, 1)
    return {
        "articles_completed": len(result.articles),
        "articles": n,
        "errors": [e.message for e in result.errors],
        "retries": result.usage.retries,
        "rejected_429": out["rejected_429"],
        "wall_s": out["wall_s"],
    }


async def run_langchain(url: str, n: int, latency: float) -> dict[str, Any]:
    try:
        from langchain_classic.chains.summarize import load_summarize_chain
        from langchain_core.documents import Document
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        return {"skipped": f"{exc}; install the peer extra: pip install -e '.[peer]'"}
    from api.text.tokens import encoding

    llm = ChatOpenAI(
        base_url=f"{url}/v1",
        api_key="not-needed",  # type: ignore[arg-type]
        model="fake-model",
        temperature=0,
        max_retries=5,
        # tiktoken would download its BPE file; count with the bundled one instead.
        custom_get_token_ids=lambda text: encoding().encode(text, disallowed_special=()),
    )
    chain = load_summarize_chain(llm, chain_type="map_reduce")
    articles = make_articles(n)
    article_tokens = sum(count_tokens(a.text) for a in articles)
    inputs = [{"input_documents": [Document(page_content=a.text)]} for a in articles]
    reset(url, latency=latency)
    started = time.perf_counter()
    await chain.abatch(inputs)
    out = figures(url, time.perf_counter() - started, latency, article_tokens)
    reset(url, latency=latency)
    await chain.abatch(inputs)
    out["second_run_calls"] = stats(url)["completions"]
    out["note"] = "summaries only: no claims, judging or brief; no cache"
    return out


def cli(root: Path, args: list[str], env: dict[str, str]) -> tuple[float, str, str]:
    """(wall seconds, stdout, stderr) of ``python -m api.cli ARGS`` run from ``root``,
    a fresh process as a user starts it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout, done.stderr


def run_cli(url: str, latency: float, root: Path, tmp: Path, repeats: int) -> dict[str, Any]:
    """Cold and fully cached CLI runs on 10 articles; the LLM share is their difference."""
    files = []
    for article in make_articles(10):
        path = tmp / f"{article.id}.txt"
        path.write_text(f"Outlet: {article.outlet}\n\n{article.text}", encoding="utf-8")
        files.append(str(path))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(PARALLAX_LLM_BASE_URL=f"{url}/v1", PARALLAX_LLM_MODEL="fake-model")
    colds, cacheds, trips, calls = [], [], [], []
    for i in range(repeats):
        env["PARALLAX_CACHE_PATH"] = str(tmp / f"cli-cache-{i}.sqlite3")
        command = ["compare", "--engine", "llm", "-q", "--format", "json", *files]
        reset(url, latency=latency)
        wall, _, _ = cli(root, command, env)
        colds.append(wall)
        trips.append(stats(url)["round_trips"])
        calls.append(stats(url)["completions"])
        reset(url, latency=latency)
        wall, _, _ = cli(root, command, env)  # the same cache: every reply from it
        cacheds.append(wall)
        assert stats(url)["completions"] == 0, "the cached run called the server"
    cold, cached = statistics.median(colds), statistics.median(cacheds)
    share = cold - cached
    return {
        "cold_s": round(cold, 3),
        "cached_s": round(cached, 3),
        "llm_share_s": round(share, 3),
        "llm_share_over_latency": round(share / latency, 2),
        "within_3L_plus_0_5s": share <= 3 * latency + 0.5,
        "round_trips": max(trips),
        "llm_calls": max(calls),
        "runs": repeats,
        "cached_run_imports_openai": imports_openai(root, command, env),
    }


def imports_openai(root: Path, args: list[str], env: dict[str, str]) -> bool:
    """Whether ``parallax ARGS`` imports the openai package (python -X importtime)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "api.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return any(line.split("|")[-1].strip() == "openai" for line in done.stderr.splitlines())


def cold_start(root: Path, repeats: int) -> dict[str, Any]:
    """Median wall time of fresh CLI processes that need no LLM, and whether they
    import openai."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    seeds = [str(p) for p in sorted((ROOT / "seeds").glob("*.txt"))[:3]]
    commands = {"help": ["--help"], "compare_offline_3_seeds": ["compare", "-q", *seeds]}
    out: dict[str, Any] = {}
    for name, args in commands.items():
        walls = [cli(root, args, env)[0] for _ in range(repeats)]
        out[f"{name}_s"] = round(statistics.median(walls), 3)
        out[f"{name}_imports_openai"] = imports_openai(root, args, env)
    return out


async def main_async(latency: float, root: Path, cli_only: bool, repeats: int) -> dict[str, Any]:
    report: dict[str, Any] = {"latency_s": latency, "article_target_tokens": TARGET_TOKENS}
    with fake_server() as url, tempfile.TemporaryDirectory() as tmp:
        if not cli_only:
            # Warm-up outside the timings: the BPE file, the SDK import, the first connection.
            await run_parallax(url, 2, 0.0, Path(tmp))
            for n in (2, 10):
                report[f"parallax_{n}"] = await run_parallax(url, n, latency, Path(tmp))
            report["parallax_10_every_5th_429"] = await run_rate_limited(
                url, 10, latency, Path(tmp)
            )
            for n in (2, 10):
                report[f"langchain_map_reduce_{n}"] = await run_langchain(url, n, latency)
        report["cli_10"] = run_cli(url, latency, root, Path(tmp), repeats)
    report["cli_cold_start"] = cold_start(root, repeats)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per call (L)")
    parser.add_argument(
        "--cli-root", type=Path, default=ROOT, help="checkout whose CLI is timed (default: this)"
    )
    parser.add_argument("--cli-only", action="store_true", help="only the CLI figures")
    parser.add_argument("--repeats", type=int, default=3, help="CLI runs per figure (median)")
    args = parser.parse_args()
    report = asyncio.run(main_async(args.latency, args.cli_root, args.cli_only, args.repeats))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
