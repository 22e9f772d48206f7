"""The whole offline comparison on the seeds, and the pipeline's contract with engines."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

import pytest

from api.align import decide
from api.align.blocking import Matcher
from api.compare.pipeline import compare, summarize
from api.engines.offline import OfflineEngine
from api.errors import EngineError, UsageError
from api.models import Article, Claim, ClusterStatus, Comparison, ConflictKind
from tests.conftest import FakeEngine, brief_without_notes, make_article

PERPETUA = "you should have started worrying about Kursk"


@pytest.fixture
def seeds_result(seed_articles: list[Article]) -> Comparison:
    return asyncio.run(compare(seed_articles, OfflineEngine(), max_words=75, summary_max_words=50))


def claims_by_id(result: Comparison) -> dict[str, Claim]:
    return {c.id: c for a in result.articles for c in a.claims}


def quotes_of(result: Comparison, status: ClusterStatus) -> list[str]:
    """The evidence quotes of every claim in clusters of ``status``."""
    claims = claims_by_id(result)
    return [
        claims[c].evidence.quote for k in result.clusters if k.status is status for c in k.claims
    ]


def outlet_ids(result: Comparison) -> dict[str, str]:
    return {a.outlet: a.id for a in result.articles}


def test_seeds_troop_figure_conflict_names_every_value(seeds_result: Comparison) -> None:
    troops = [
        k
        for k in seeds_result.clusters
        if k.status is ClusterStatus.conflict
        and k.conflict
        and k.conflict.kind is ConflictKind.quantity
        and "garrison" in k.label
    ]
    assert len(troops) == 1
    values = {v.value for v in troops[0].conflict.values}  # type: ignore[union-attr]
    assert {"approximately ten thousand", "about 12,000", "some 10,000"} <= values


def test_seeds_duration_and_negation_conflicts(seeds_result: Comparison) -> None:
    kinds = [k.conflict.kind for k in seeds_result.clusters if k.conflict is not None]
    assert ConflictKind.negation in kinds
    months = [k for k in seeds_result.clusters if k.conflict and "counteroffensive" in k.label]
    assert len(months) == 1
    assert {v.value for v in months[0].conflict.values} == {"three-month", "four-month"}  # type: ignore[union-attr]


def test_seeds_quote_left_out_by_one_outlet_is_its_omission(seeds_result: Comparison) -> None:
    claims = claims_by_id(seeds_result)
    [quote] = [
        k
        for k in seeds_result.clusters
        if any(PERPETUA in claims[c].evidence.quote for c in k.claims)
    ]
    assert quote.status is ClusterStatus.partial
    assert len(quote.articles) == 3
    sceptic = outlet_ids(seeds_result)["The Cobble Street Review (illustrative)"]
    assert sceptic not in quote.articles
    omitted = {o.article_id: o.clusters for o in seeds_result.omissions}
    assert quote.id in omitted[sceptic]
    assert all(quote.id not in ids for aid, ids in omitted.items() if aid != sceptic)


def test_seeds_claim_only_one_outlet_has_is_unique(seeds_result: Comparison) -> None:
    claims = claims_by_id(seeds_result)
    [evacuated] = [
        k
        for k in seeds_result.clusters
        if any("civilians had been evacuated" in claims[c].text for c in k.claims)
    ]
    assert evacuated.status is ClusterStatus.unique
    assert evacuated.articles == [
        outlet_ids(seeds_result)["The Cobble Street Review (illustrative)"]
    ]


def test_seeds_brief_fits_and_leads_with_consensus(seeds_result: Comparison) -> None:
    brief = seeds_result.summary
    assert 0 < len(brief.split()) <= 75
    consensus_quotes = quotes_of(seeds_result, ClusterStatus.consensus)
    first_sentence = brief.split(". ")[0]
    assert any(first_sentence in q or q in brief[: len(q) + 1] for q in consensus_quotes)
    # Every sentence of the brief is verbatim from some article.
    texts = [a.text for a in seeds_result.articles]
    for sentence in brief_without_notes(brief).replace(". ", ".\n").splitlines():
        assert any(sentence.strip() in t for t in texts)


def test_article_summaries_fit_their_budget(seeds_result: Comparison) -> None:
    for a in seeds_result.articles:
        assert 0 < len(a.summary.split()) <= 50


def test_every_cluster_claim_and_article_is_accounted_for(seeds_result: Comparison) -> None:
    all_claims = {c.id for a in seeds_result.articles for c in a.claims}
    clustered = {c for k in seeds_result.clusters for c in k.claims}
    assert all_claims == clustered  # every claim is shown; a claim may state two facts
    for k in seeds_result.clusters:
        owners = {c.split(".")[0] for c in k.claims}
        assert owners == set(k.articles), k
    assert seeds_result.usage.article_tokens > 1000
    assert seeds_result.engine.name == "offline"


def test_one_failed_article_is_reported_and_the_rest_compared(
    seed_articles: list[Article], fake_engine: Callable[..., FakeEngine]
) -> None:
    engine = fake_engine(fail_on=["a2"])
    result = asyncio.run(compare(seed_articles, engine, max_words=60, summary_max_words=30))
    assert [a.id for a in result.articles] == ["a1", "a3", "a4"]
    [error] = result.errors
    assert (error.article_id, error.code) == ("a2", "engine_error")
    assert result.partial
    calls = [name for name, _ in engine.history]
    assert calls.count("analyze") == 4
    assert calls.count("judge") <= 1  # ambiguous pairs go to the judge in one batch
    assert calls[-1] == "brief"


def test_too_few_articles_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        asyncio.run(
            compare(
                [make_article("Only one.")], OfflineEngine(), max_words=75, summary_max_words=20
            )
        )


def test_when_all_but_one_fail_the_comparison_fails(
    seed_articles: list[Article], fake_engine: Callable[..., FakeEngine]
) -> None:
    engine = fake_engine(fail_on=["a1", "a2", "a3"])
    with pytest.raises(EngineError, match="only 1 of 4"):
        asyncio.run(compare(seed_articles, engine, max_words=60, summary_max_words=30))


def test_summarize_returns_one_result_per_article(seed_articles: list[Article]) -> None:
    result = asyncio.run(summarize(seed_articles, OfflineEngine(), max_words=40))
    assert [a.id for a in result.articles] == ["a1", "a2", "a3", "a4"]
    assert all(len(a.summary.split()) <= 40 and a.claims for a in result.articles)


def test_output_does_not_depend_on_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; the comparison must not."""
    import hashlib
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import SEEDS

    digests = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from api.cli.commands import main; main()",
                "compare",
                *SEEDS,
                "--format",
                "json",
            ],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        data = json.loads(out)
        data.pop("created_at")
        data.pop("timings_ms")
        digests.add(hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest())
    assert len(digests) == 1


def test_seeds_brief_states_no_side_of_a_conflict(seeds_result: Comparison) -> None:
    claims = claims_by_id(seeds_result)
    brief = seeds_result.summary
    plain = brief_without_notes(brief)
    conflicts = [k.conflict for k in seeds_result.clusters if k.conflict is not None]
    assert conflicts
    for conflict in conflicts:
        for v in conflict.values:
            if v.value is None or claims[v.claim_id].evidence.quote not in plain:
                continue
            # A side in the brief is a figure shown with the others' values.
            assert conflict.kind in (ConflictKind.quantity, ConflictKind.date)
            assert f"{v.value} [" in brief


def test_progress_reports_every_article_then_done(seed_articles: list[Article]) -> None:
    from api.models import ProgressEvent

    events: list[ProgressEvent] = []
    asyncio.run(
        compare(
            seed_articles,
            OfflineEngine(),
            max_words=60,
            summary_max_words=30,
            progress=events.append,
        )
    )
    analyzed = [e.done for e in events if e.stage == "analyze"]
    assert analyzed == [0, 1, 2, 3, 4]
    assert all(e.total == 4 for e in events if e.stage == "analyze")
    assert [e.stage for e in events][-2:] == ["brief", "done"]


def test_links_do_not_chain_every_cross_article_pair_in_a_cluster_is_linked(
    seeds_result: Comparison,
) -> None:
    claims = [c for a in seeds_result.articles for c in a.claims]
    matcher = Matcher(claims)
    index = {c.id: i for i, c in enumerate(claims)}
    score = {(p.a.id, p.b.id): p.similarity for p in matcher.candidates()}
    for k in seeds_result.clusters:
        members = [claims[index[c]] for c in k.claims]
        for a, b in itertools.combinations(members, 2):
            if a.article_id != b.article_id:
                p = score.get((a.id, b.id), score.get((b.id, a.id)))
                p = matcher.probe(index[a.id], index[b.id]) if p is None else p
                assert p >= decide.LINK, (k.id, a.id, b.id, p)
