"""Engine selection: one name in, one object behind the Engine protocol out."""

from __future__ import annotations

from api.engines.base import Engine
from api.errors import UsageError
from api.settings import Settings

ENGINE_NAMES = ("offline", "llm")


def get_engine(name: str, settings: Settings) -> Engine:
    if name == "offline":
        from api.engines.offline import OfflineEngine

        # The coverage alignment reads atomic claims (api.claims.atoms).
        return OfflineEngine(atomic=settings.alignment == "coverage")
    if name == "llm":
        from api.engines.llm.engine import LLMEngine

        return LLMEngine(settings)
    raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
