"""Each reply's JSON schema, with limits that fit the output budget.

A small model under constrained decoding will happily list claims until
``max_tokens`` or repeat one word inside a string forever; the decoder stops it only
if the schema says where to stop. So every string gets a ``maxLength`` and every
list a ``maxItems``: fixed ones here, and per-request ones (the claims a chunk may
yield, the pairs a judge batch must answer) from the caller. The pydantic models in
:mod:`api.engines.llm.schemas` stay unbounded: a server that enforces nothing and writes a
longer reply is still read, and a cut-off is handled where it happens.

The schema is pydantic's own (the models forbid extra keys and have no defaults, so
it is already in the strict form: every property required, no additional
properties), built without the ``openai`` package, which only the sending path loads.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

# Characters per string field, by property name. A claim is "one short sentence"; a
# quote is one sentence or clause of a news article (of 635 sentences in the seeds and
# NeuS dev: median 116 characters, 99th percentile 333, longest 412); names, cues,
# figures and cluster ids are short.
FIELD_CHARS: dict[str, int] = {
    "text": 300,
    "quote": 420,
    "attribution_source": 80,
    "attribution_cue": 30,
    "reason": 160,
}
# Characters of each element of a list of strings, and how many elements.
ELEMENT_CHARS: dict[str, int] = {"quantities": 30, "clusters": 24}
FIXED_ITEMS: dict[str, int] = {"quantities": 4, "clusters": 4}
# Characters per word of a summary, spaces and punctuation included, with slack.
CHARS_PER_WORD = 10


@functools.cache
def _schema_text(model: type[BaseModel]) -> str:
    return json.dumps(_untitled(model.model_json_schema()))


def bounded_schema(
    model: type[BaseModel],
    *,
    items: Mapping[str, int] | None = None,
    exact_items: Mapping[str, int] | None = None,
    summary_words: int | None = None,
) -> dict[str, Any]:
    """``model``'s JSON schema with limits: ``items`` caps the named lists, ``exact_items``
    fixes their length, ``summary_words`` bounds the ``summary`` string."""
    schema: dict[str, Any] = json.loads(_schema_text(model))  # a fresh copy to edit
    chars = dict(FIELD_CHARS)
    if summary_words is not None:
        chars["summary"] = summary_words * CHARS_PER_WORD
    caps = {**FIXED_ITEMS, **(items or {})}
    objects = [schema, *schema.get("$defs", {}).values()]
    for obj in objects:
        for name, prop in obj.get("properties", {}).items():
            _limit(name, prop, chars, caps, exact_items or {})
    return schema


def with_choices(schema: dict[str, Any], choices: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """``schema`` with the named string properties held to a list of values (an
    ``enum``; their ``maxLength`` goes, the values being known)."""
    out: dict[str, Any] = json.loads(json.dumps(schema))
    for obj in [out, *out.get("$defs", {}).values()]:
        for name, prop in obj.get("properties", {}).items():
            if choices.get(name):
                prop.pop("maxLength", None)
                prop["enum"] = list(dict.fromkeys(choices[name]))
    return out


def _limit(
    name: str,
    prop: dict[str, Any],
    chars: Mapping[str, int],
    caps: Mapping[str, int],
    exact: Mapping[str, int],
) -> None:
    for branch in prop.get("anyOf", [prop]):  # a nullable string is anyOf [string, null]
        kind = branch.get("type")
        if kind == "string" and name in chars:
            branch["maxLength"] = chars[name]
        elif kind == "array":
            if name in exact:
                branch["minItems"] = branch["maxItems"] = exact[name]
            elif name in caps:
                branch["maxItems"] = caps[name]
            element = branch.get("items", {})
            if element.get("type") == "string" and name in ELEMENT_CHARS:
                element["maxLength"] = ELEMENT_CHARS[name]


def _untitled(node: Any) -> Any:
    """The schema without pydantic's ``title`` keys: prompt tokens that say nothing the
    property names do not (a property that is *named* title would be kept)."""
    if isinstance(node, dict):
        return {
            k: (_untitled(v) if k != "properties" else {p: _untitled(s) for p, s in v.items()})
            for k, v in node.items()
            if k != "title" or not isinstance(v, str)
        }
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    return node
