"""Building blocks of the llm engine (api.engines.llm.engine).

client (the only module that imports openai, and only once a request is sent) ->
retry (tenacity) -> limiter (one per process) -> cache (SQLite) -> caller (one
validated, structured call; structured negotiates how the schema travels) -> extract
(the map step: chunks, claim budget, cut-off splitting) and analyze (reduce,
grounding) and judging (judge batches, brief). prompts loads ``prompts/*.md``
strictly; schemas are the replies' pydantic models, bounds their limits.
"""
