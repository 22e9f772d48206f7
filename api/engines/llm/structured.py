"""How a reply's JSON schema reaches the server, negotiated per endpoint and model.

Servers differ in what they accept as ``response_format``, strongest first:

``json_schema``
    ``{"type": "json_schema", "json_schema": {"name", "strict", "schema"}}``: OpenAI,
    vLLM, llama.cpp's C++ server, recent Ollama.
``json_object_schema``
    ``{"type": "json_object", "schema": {...}}``: the schema in the server's own field,
    as llama-cpp-python reads it. That server turns the schema into a grammar and
    never into prompt tokens, so here a request's *choices* join it: each quote is
    held to the sentences of its text, and even a small model quotes verbatim. (Not
    in ``json_schema``: a hosted server may count the schema as prompt, and caps enums.)
``json_object``
    ``{"type": "json_object"}`` with the schema described in the instructions; nothing
    enforces it, so the reply's validation and one re-ask are all that hold it.

:class:`Negotiator` starts at the mode remembered for the endpoint and model (or the
strongest). A call the server refuses (a 400/422, or a 500 whose body names
``response_format``: :class:`~api.errors.LLMFormatRefused`) goes out again one rung
down; once a weaker mode works, later calls start there, and the mode that worked is
remembered. Concurrent calls share it, so ten articles refused at once step down
together and judging and the brief start on the rung that works. A forced mode
(``PARALLAX_LLM_STRUCTURED_OUTPUT``) is never stepped down from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, get_args

from api.engines.llm.bounds import with_choices
from api.models import StructuredOutput

Mode = StructuredOutput
LADDER: tuple[Mode, ...] = get_args(Mode)
# The sentence that hands the schema to a server that cannot enforce one.
_DESCRIBE = "\n\nReply with only a JSON object matching this JSON schema:\n"


class ModeStore(Protocol):
    """Where the mode that worked is remembered (the reply cache's database)."""

    def get_mode(self, endpoint: str, model: str) -> str | None: ...

    def put_mode(self, endpoint: str, model: str, mode: str) -> None: ...


def response_format(
    mode: Mode, name: str, schema: dict[str, Any], choices: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }
    if mode == "json_object_schema":
        return {"type": "json_object", "schema": with_choices(schema, choices)}
    return {"type": "json_object"}


def instructions(mode: Mode, system: str, schema: dict[str, Any]) -> str:
    """The system message: as written, or with the schema spelled out when the server
    will not enforce it."""
    return system + schema_overhead(schema) if mode == "json_object" else system


def schema_overhead(schema: dict[str, Any]) -> str:
    """The text a schema adds to a request in its costliest mode, for token counting:
    servers count a ``response_format`` schema as prompt, and ``json_object`` puts it
    in the instructions, so every mode is counted alike and a plan never depends on
    which mode the server ends up speaking."""
    return _DESCRIBE + json.dumps(schema, separators=(",", ":"))


class Negotiator:
    """The structured-output mode of one endpoint and model, shared by every call."""

    def __init__(
        self, endpoint: str, model: str, forced: Mode | None, store: ModeStore | None
    ) -> None:
        self.endpoint = endpoint
        self.model = model
        self.forced = forced
        self.store = store
        remembered = store.get_mode(endpoint, model) if store and forced is None else None
        self.mode: Mode = forced or _as_mode(remembered) or LADDER[0]
        self.confirmed = remembered is not None and forced is None

    def refused(self, mode: Mode) -> Mode | None:
        """The mode to try after the server refused ``mode``; None when there is none
        left (or the mode was forced). Nothing changes for other calls until a weaker
        mode works: a 400 about something else (a prompt the server counts longer than
        we do) fails in every mode, and must not leave the endpoint downgraded."""
        rung = LADDER.index(mode)
        if self.forced is not None or rung + 1 >= len(LADDER):
            return None
        return LADDER[rung + 1]

    def worked(self, mode: Mode) -> None:
        """The server took ``mode``: a weaker one than the shared mode, after a refusal,
        becomes the mode of later calls; and the mode is remembered once, for the next
        run."""
        if self.forced is not None:
            return
        if LADDER.index(mode) > LADDER.index(self.mode):
            self.mode, self.confirmed = mode, False
        if self.confirmed or mode != self.mode:
            return
        self.confirmed = True
        if self.store is not None:
            self.store.put_mode(self.endpoint, self.model, mode)


def _as_mode(value: str | None) -> Mode | None:
    for mode in LADDER:
        if value == mode:
            return mode
    return None
