"""Alignment acceptance: self-comparison, one changed figure, one deleted sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.models import ClusterStatus, ConflictKind
from tests.conftest import ROOT, run_compare

FOUNDER = (ROOT / "seeds" / "kursk-sudzha.txt").read_text(encoding="utf-8")
NEWS = (
    "At least 17 people were killed when the bridge collapsed on Tuesday. "
    "Rescue teams searched the river through the night. "
    "The mayor said the bridge had been inspected in March."
)


def statuses(texts: list[str]) -> dict[ClusterStatus, int]:
    result = run_compare(texts)
    counts = {s: 0 for s in ClusterStatus}
    for k in result.clusters:
        counts[k.status] += 1
    return counts


@pytest.mark.parametrize("text", [FOUNDER, NEWS], ids=["founder", "news"])
def test_article_compared_with_itself_is_all_consensus(text: str) -> None:
    counts = statuses([text, text])
    assert counts[ClusterStatus.conflict] == 0
    assert counts[ClusterStatus.unique] == 0
    assert counts[ClusterStatus.partial] == 0
    assert counts[ClusterStatus.unmatched] == 0
    assert counts[ClusterStatus.consensus] > 0


def test_three_copies_are_consensus_across_all() -> None:
    result = run_compare([FOUNDER, FOUNDER, FOUNDER])
    assert {k.status for k in result.clusters} == {ClusterStatus.consensus}
    assert all(len(k.articles) == 3 for k in result.clusters)
    assert all(not o.clusters for o in result.omissions)


def test_one_changed_figure_is_exactly_one_conflict_naming_both_values() -> None:
    changed = FOUNDER.replace("approximately ten thousand soldiers", "about 12,000 soldiers")
    assert changed != FOUNDER
    result = run_compare([FOUNDER, changed])
    conflicts = [k for k in result.clusters if k.status is ClusterStatus.conflict]
    assert len(conflicts) == 1
    conflict = conflicts[0].conflict
    assert conflict is not None and conflict.kind is ConflictKind.quantity
    values = {v.article_id: v.value for v in conflict.values}
    assert "ten thousand" in values["a1"] or "10,000" in values["a1"]
    assert "12,000" in values["a2"]
    assert all(k.status is not ClusterStatus.unique for k in result.clusters)


def test_a_deleted_sentence_forms_a_unique_cluster() -> None:
    sentence = (
        "The Ukrainian Centre for Defence Strategies has warned of the grave situation "
        "developing in the region."
    )
    shorter = FOUNDER.replace(" " + sentence, "")
    assert len(shorter) == len(FOUNDER) - len(sentence) - 1
    result = run_compare([FOUNDER, shorter])
    claims = {c.id: c for a in result.articles for c in a.claims}
    unique = [k for k in result.clusters if k.status is ClusterStatus.unique]
    assert len(unique) == 1
    assert [claims[c].evidence.quote for c in unique[0].claims] == [sentence]
    assert unique[0].articles == ["a1"]
    assert not any(k.status is ClusterStatus.conflict for k in result.clusters)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (
            "At least 17 people were killed in the collapse.",
            "17 people were killed in the collapse.",
        ),
        (
            "The garrison of about 10,000 soldiers is under pressure.",
            "The garrison of 10,000 soldiers is under pressure.",
        ),
    ],
    ids=["at-least", "about"],
)
def test_hedged_figures_that_can_both_be_true_are_no_conflict(left: str, right: str) -> None:
    counts = statuses([left, right])
    assert counts[ClusterStatus.conflict] == 0
    assert counts[ClusterStatus.consensus] == 1


def test_different_troop_figures_conflict() -> None:
    result = run_compare(
        [
            "The garrison of about 10,000 troops is under pressure in the region.",
            "The garrison of 12,000 troops is under pressure in the region.",
        ]
    )
    [cluster] = result.clusters
    assert cluster.status is ClusterStatus.conflict
    assert cluster.conflict is not None
    assert [v.value for v in cluster.conflict.values] == ["about 10,000", "12,000"]


def test_negation_of_the_same_statement_conflicts() -> None:
    result = run_compare(
        [
            "Ukrainian brigades on the northern edge of the region are retreating towards Sudzha.",
            "Ukrainian brigades on the northern edge of the region have not retreated to Sudzha.",
        ]
    )
    [cluster] = result.clusters
    assert cluster.status is ClusterStatus.conflict
    assert cluster.conflict is not None and cluster.conflict.kind is ConflictKind.negation
    assert [v.value for v in cluster.conflict.values] == ["retreating", "not retreated"]


def test_a_not_elsewhere_in_the_sentence_is_no_conflict() -> None:
    counts = statuses(
        [
            "Macron warned that Russia's ambitions extend beyond Ukraine and threaten Europe.",
            "Macron warned that Russia's ambitions extend beyond Ukraine, and said the war must "
            "not end in surrender.",
        ]
    )
    assert counts[ClusterStatus.conflict] == 0


def test_the_same_words_from_a_different_speaker_conflict() -> None:
    result = run_compare(
        [
            "The war must not end with Ukraine's surrender, Emmanuel Macron said on Tuesday.",
            "The war must not end with Ukraine's surrender, Olaf Scholz said on Tuesday.",
        ]
    )
    [cluster] = result.clusters
    assert cluster.status is ClusterStatus.conflict
    assert cluster.conflict is not None and cluster.conflict.kind is ConflictKind.actor
    assert [v.value for v in cluster.conflict.values] == ["Emmanuel Macron", "Olaf Scholz"]


def test_unrelated_articles_share_no_cluster(tmp_path: Path) -> None:
    counts = statuses(
        [
            "The central bank raised interest rates by half a point on Wednesday.",
            "A rare comet will be visible from the southern hemisphere next month.",
        ]
    )
    assert counts[ClusterStatus.unique] == 2
    assert counts[ClusterStatus.consensus] == 0


KENTUCKY = [
    "Supreme Court Upholds Kentucky Law Requiring Doctors to Describe Ultrasound to Women.\n\n"
    "The Supreme Court on Monday allowed a Kentucky abortion law to stand that requires a "
    "doctor to perform an ultrasound and describe the image to the woman.",
    "Supreme Court leaves Kentucky's ultrasound law in place.\n\n"
    "The justices did not comment in refusing to review an appeals court ruling that upheld "
    "the law.",
]


def test_a_fact_stated_twice_by_one_outlet_is_reported_twice_never_only_in_it() -> None:
    result = run_compare(KENTUCKY)
    first = result.articles[0]
    headline, lede = (c.id for c in first.claims[:2])
    shared = [k for k in result.clusters if headline in k.claims and lede in k.claims]
    assert shared, result.clusters
    assert all(len(k.articles) == 2 for k in shared)
    lone = [
        k for k in result.clusters if k.status in (ClusterStatus.unique, ClusterStatus.unmatched)
    ]
    assert not any({headline, lede} & set(k.claims) for k in lone)


def test_an_outlet_omits_only_what_it_states_none_of() -> None:
    fact = "The city council approved the new stadium budget of $40 million on Monday."
    result = run_compare(
        [
            fact + " The vote was seven to two.",
            "On Monday the council approved a $40 million budget for the stadium. "
            "Opponents plan a referendum.",
            "A rare comet will be visible from the southern hemisphere next month.",
        ]
    )
    [stadium] = [k for k in result.clusters if "stadium" in k.label.lower()]
    assert stadium.status is ClusterStatus.partial
    omitted = {o.article_id: o.clusters for o in result.omissions}
    assert stadium.id in omitted["a3"]
    assert not omitted["a1"] and not omitted["a2"]
