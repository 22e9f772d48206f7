"""Building blocks of the llm engine (api.engines.llm).

client (the only module that imports openai) -> retry (tenacity) -> limiter (one per
process) -> cache (SQLite) -> caller (one validated, structured call) -> analyze
(stuff or map-reduce, grounding) and judging (judge batches, brief). prompts loads
``prompts/*.md`` strictly; schemas are the replies' pydantic models.
"""
