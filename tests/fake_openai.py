"""A small, deterministic OpenAI-compatible server for end-to-end tests and benchmarks.

``POST /v1/chat/completions`` answers from the request alone:

* extract (an ``<<<ARTICLE …>>>`` fence): a summary and one claim per sentence of the
  fenced text, each quoting that sentence verbatim;
* reduce (``<<<PARTS …>>>``): keeps every claim whose quote was not seen before;
* judge (``<<<PAIRS …>>>``): for each item, whether its passage states its claim, by
  the share of the claim's content words the passage holds, and its figures:
  states / contradicts / absent;
* brief (``<<<CLUSTERS …>>>``): one sentence per cluster (its first claim), citing it;
* anything else (LangChain's prompts): the first words of the last message.

A ``maxItems`` on the claims in the request's schema caps the claims, as a server
with constrained decoding would. Options: a fixed latency per call, a 429 (with
``retry-after-ms``) for every k-th request, and ``refuse_json_schema``, which answers
a ``json_schema`` response_format the way llama-cpp-python does (HTTP 500 naming
``response_format``) and reads the schema from ``{"type": "json_object", "schema"}``.
``GET /stats`` reports requests, completions, rejections, prompt tokens, the most
requests in flight at once and requests by format; ``POST /reset`` zeroes them and
sets options.

Run: ``python -m tests.fake_openai --port 8011 --latency 0.2 --fail-every 5``, or
use :func:`fake_server`, which starts it on a free loopback port in a subprocess and
stops it on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.text.terms import content_terms
from api.text.tokens import count_tokens
from tests.serverproc import free_port, running

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(
    r"<<<(?P<label>[A-Z]+) (?P<nonce>\w+)>>>\n(?P<body>.*?)\n<<<END (?P=label) ", re.S
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]+[”\"’']?")
_WORD = re.compile(r"[a-z0-9]+")


class State:
    def __init__(
        self, latency: float = 0.0, fail_every: int = 0, refuse_json_schema: bool = False
    ) -> None:
        self.latency = latency
        self.fail_every = fail_every
        self.refuse_json_schema = refuse_json_schema
        self.requests = 0
        self.completions = 0
        self.rejected = 0
        self.prompt_tokens = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.tasks: dict[str, int] = {}
        self.formats: dict[str, int] = {}
        self.spans: list[tuple[float, float]] = []  # (start, end) of each answered request


def round_trips(spans: list[tuple[float, float]]) -> int:
    """The most requests that ran one after another (each starting after the last one
    ended): the sequential round trips a client's critical path took."""
    chain: list[tuple[float, int]] = []  # (end, chain length ending there), by end
    best = 0
    for start, end in sorted(spans, key=lambda span: span[1]):
        length = 1 + max((n for done, n in chain if done <= start), default=0)
        chain.append((end, length))
        best = max(best, length)
    return best


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _extract(text: str, max_claims: int = 40) -> dict[str, Any]:
    sentences = [m.group().strip() for m in _SENTENCE.finditer(text)]
    claims = [
        {
            "text": s,
            "quote": s,
            "kind": "fact",
            "attribution_source": None,
            "attribution_cue": None,
            "negated": " not " in f" {s.lower()} ",
            "quantities": [],
        }
        for s in sentences
        if len(s.split()) >= 6
    ][:max_claims]
    return {"summary": " ".join(sentences[:2])[:400], "claims": claims}


def _reduce(data: list[dict[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    keep: list[int] = []
    for part in data:
        for claim in part["claims"]:
            if claim["claim"] not in seen:
                seen.add(claim["claim"])
                keep.append(claim["n"])
    return {"summary": data[0]["summary"] if data else "", "keep": keep}


# Share of a claim's content words a passage must hold to state it (or, with other
# figures, to contradict it).
STATES = 0.6
CONTRADICTS = 0.5


def relation(claim: str, passage: str) -> tuple[str, str]:
    """Directional, as the judge prompt asks: does ``passage`` state ``claim``? The
    share of the claim's content words found in the passage, not the other way round,
    so a broader passage that shares a few words does not state a narrower claim."""
    words = set(content_terms(claim))
    held = len(words & set(content_terms(passage))) / max(len(words), 1)
    figures_c, figures_p = set(re.findall(r"\d+", claim)), set(re.findall(r"\d+", passage))
    if held >= CONTRADICTS and figures_c and figures_p and not figures_c <= figures_p:
        return "contradicts", f"holds {held:.2f}, figures differ"
    if held >= STATES:
        return "states", f"holds {held:.2f}"
    return "absent", f"holds {held:.2f}"


def _judge(data: list[dict[str, Any]]) -> dict[str, Any]:
    verdicts = []
    for pair in data:
        relation_, reason = relation(pair["claim"]["text"], pair["passage"]["text"])
        verdicts.append({"pair": pair["pair"], "relation": relation_, "reason": reason})
    return {"verdicts": verdicts}


def _brief(data: list[dict[str, Any]]) -> dict[str, Any]:
    sentences = [
        {"text": cluster["claims"][0]["text"], "clusters": [cluster["id"]]}
        for cluster in data[:3]
        if cluster["claims"]
    ]
    return {"sentences": sentences}


# What llama-cpp-python's server answers (HTTP 500) to a json_schema response_format.
LLAMA_CPP_REFUSAL = {
    "error": {
        "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
        "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\"}",
        "type": "internal_server_error",
        "param": None,
        "code": None,
    }
}


def format_name(body: dict[str, Any]) -> str:
    """The structured-output mode of a request body (api/engines/llm/structured.py's names)."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_object" and "schema" in fmt:
        return "json_object_schema"
    return str(fmt.get("type", "none"))


def claims_cap(body: dict[str, Any]) -> int:
    fmt = body.get("response_format") or {}
    schema = fmt.get("schema") or fmt.get("json_schema", {}).get("schema") or {}
    claims = schema.get("properties", {}).get("claims", {})
    return int(claims.get("maxItems", 40))


def answer(messages: list[dict[str, Any]], max_claims: int = 40) -> tuple[str, str]:
    """(task, reply content) for a request's messages."""
    user = next((m["content"] for m in messages if m["role"] == "user"), "")
    fence = _FENCE.search(user)
    if fence is None:
        words = messages[-1]["content"].split()
        return "text", " ".join(words[-60:-20] or words[:40])
    label, body = fence["label"], fence["body"]
    if label == "ARTICLE":
        return "extract", json.dumps(_extract(body, max_claims))
    data = json.loads(body)
    handlers = {"PARTS": ("reduce", _reduce), "PAIRS": ("judge", _judge)}
    task, handler = handlers.get(label, ("brief", _brief))
    return task, json.dumps(handler(data))


def create_app(state: State) -> Starlette:
    async def completions(request: Request) -> JSONResponse:
        body = await request.json()
        state.requests += 1
        mode = format_name(body)
        state.formats[mode] = state.formats.get(mode, 0) + 1
        if state.refuse_json_schema and mode == "json_schema":
            state.rejected += 1
            return JSONResponse(LLAMA_CPP_REFUSAL, status_code=500)
        if state.fail_every and state.requests % state.fail_every == 0:
            state.rejected += 1
            return JSONResponse(
                {"error": {"message": "slow down", "type": "rate_limit", "code": None}},
                status_code=429,
                headers={"retry-after-ms": "20"},
            )
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        started = time.monotonic()
        try:
            if state.latency:
                await asyncio.sleep(state.latency)
            messages = body["messages"]
            task, content = answer(messages, claims_cap(body))
        finally:
            state.in_flight -= 1
        state.spans.append((started, time.monotonic()))
        prompt_tokens = sum(count_tokens(str(m.get("content") or "")) + 4 for m in messages) + 3
        state.completions += 1
        state.prompt_tokens += prompt_tokens
        state.tasks[task] = state.tasks.get(task, 0) + 1
        completion_tokens = count_tokens(content)
        return JSONResponse(
            {
                "id": f"chatcmpl-{state.requests}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        )

    async def stats(_: Request) -> JSONResponse:
        figures = {k: v for k, v in vars(state).items() if k != "spans"}
        return JSONResponse({**figures, "round_trips": round_trips(state.spans)})

    async def reset(request: Request) -> JSONResponse:
        options = await request.json()
        fresh = State(
            float(options.get("latency", 0.0)),
            int(options.get("fail_every", 0)),
            bool(options.get("refuse_json_schema", False)),
        )
        vars(state).update(vars(fresh))
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/v1/chat/completions", completions, methods=["POST"]),
            Route("/stats", stats, methods=["GET"]),
            Route("/reset", reset, methods=["POST"]),
        ]
    )


@contextlib.contextmanager
def fake_server(latency: float = 0.0, fail_every: int = 0) -> Iterator[str]:
    """Run the server in a subprocess on a free loopback port; yields its root URL
    (the OpenAI base URL is that plus ``/v1``). Stops it on exit."""
    port = free_port()
    args = ["-m", "tests.fake_openai", "--port", str(port)]
    args += ["--latency", str(latency), "--fail-every", str(fail_every)]
    url = f"http://127.0.0.1:{port}"
    with running(args, f"{url}/stats", timeout=10):
        yield url


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--fail-every", type=int, default=0)
    args = parser.parse_args()
    app = create_app(State(args.latency, args.fail_every))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
