"""What the model must reply, per prompt: pydantic models sent as strict JSON schemas
and used to validate the reply. Checks that need the request (every judged pair
answered once, only known cluster ids cited) read it from the validation context, so
a wrong reply is an ordinary validation error and gets the one re-ask."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimReply(Reply):
    text: str
    quote: str
    kind: Literal["fact", "quote", "opinion"]
    attribution_source: str | None
    attribution_cue: str | None
    negated: bool
    quantities: list[str]


class ExtractReply(Reply):
    summary: str
    claims: list[ClaimReply]


class ReduceReply(Reply):
    """Reduce works on claim lists: it names the claims to keep (duplicates from
    neighbouring parts left out) instead of rewriting them, so its reply stays short
    and a quote can never be altered on the way."""

    summary: str
    keep: list[int]

    @field_validator("keep")
    @classmethod
    def _known_claims(cls, keep: list[int], info: ValidationInfo) -> list[int]:
        total = (info.context or {}).get("claims")
        if total is not None:
            bad = sorted({k for k in keep if not 1 <= k <= total})
            if bad:
                raise ValueError(f"claim numbers must be 1..{total}, got {bad}")
        return keep


class VerdictReply(Reply):
    pair: int
    relation: Literal["states", "contradicts", "absent"]
    reason: str


class JudgeReply(Reply):
    verdicts: list[VerdictReply]

    @field_validator("verdicts")
    @classmethod
    def _one_per_pair(
        cls, verdicts: list[VerdictReply], info: ValidationInfo
    ) -> list[VerdictReply]:
        expected = (info.context or {}).get("pairs")
        if expected is not None:
            got = sorted(v.pair for v in verdicts)
            if got != list(range(1, expected + 1)):
                raise ValueError(
                    f"need exactly one verdict for each pair 1..{expected}, got pairs {got}"
                )
        return verdicts


class BriefSentence(Reply):
    text: str
    clusters: list[str]


class BriefReply(Reply):
    sentences: list[BriefSentence]

    @field_validator("sentences")
    @classmethod
    def _cites_known(
        cls, sentences: list[BriefSentence], info: ValidationInfo
    ) -> list[BriefSentence]:
        known = (info.context or {}).get("clusters")
        if not any(s.text.strip() for s in sentences):
            raise ValueError("the brief is empty")
        if any(not s.clusters for s in sentences):
            raise ValueError("every sentence must cite at least one cluster id")
        if known is not None:
            unknown = sorted({c for s in sentences for c in s.clusters} - set(known))
            if unknown:
                raise ValueError(f"cites cluster ids that do not exist: {unknown}")
        return sentences
