"""The coverage alignment (PARALLAX_ALIGNMENT=coverage): atomic claims, directional
support, and rows whose every "reports", "omits" and "only in" the rules are sure of."""

from __future__ import annotations

from api import aio
from api.align.coverage import Coverage
from api.align.types import Relation
from api.claims.atoms import atom_spans
from api.compare.pipeline import compare
from api.engines.offline import OfflineEngine
from api.ingest.inputs import article_from_input
from api.models import ArticleInput, ClusterStatus, Comparison
from api.text.sentences import sentences
from tests.align.test_alignment import FOUNDER, NEWS

PITT = (
    "The law, which had been blocked since 2017, will now take effect, "
    "said Steve Pitt, general counsel to Gov. Matt Bevin."
)


def pieces(text: str) -> list[str]:
    return [s.of(text) for sentence in sentences(text) for s in atom_spans(text, sentence)]


def run(texts: list[str]) -> Comparison:
    articles = [
        article_from_input(
            ArticleInput(text=t, outlet=f"Outlet {i + 1}"), article_id=f"a{i + 1}", source="test"
        )
        for i, t in enumerate(texts)
    ]
    engine = OfflineEngine(atomic=True)
    return aio.run(
        compare(articles, engine, max_words=75, summary_max_words=60, alignment="coverage")
    )


def test_a_sentence_divides_where_its_facts_do() -> None:
    # The main clause, the attribution and the appositive stand apart from the
    # relative clause: each is a fact another outlet may give or leave out.
    got = pieces(PITT)
    assert "will now take effect" in got
    assert "said Steve Pitt" in got
    assert "general counsel to Gov. Matt Bevin" in got
    assert not any("blocked" in p and "take effect" in p for p in got)


def test_a_figure_with_a_comma_is_never_cut() -> None:
    text = "The town of about 17,000 people lies near Fort Worth."
    assert any("17,000 people" in p for p in pieces(text))


def test_every_piece_is_an_exact_slice() -> None:
    for sentence in sentences(FOUNDER):
        for span in atom_spans(FOUNDER, sentence):
            assert sentence.start <= span.start < span.end <= sentence.end
            assert FOUNDER[span.start : span.end].strip() == FOUNDER[span.start : span.end]


def test_a_broader_sentence_does_not_state_a_narrower_claim() -> None:
    broad = "The Supreme Court on Monday left in place a Kentucky abortion law."
    narrow = broad + " The justices did not comment in refusing to review the appeals ruling."
    result = run([broad, narrow])
    claims = {c.id: c for a in result.articles for c in a.claims}
    for k in result.clusters:
        quote = claims[k.label_claim].evidence.quote
        if "did not comment" in quote:
            assert k.articles == ["a2"], (quote, k.status)
            assert k.status in (ClusterStatus.unique, ClusterStatus.unmatched)
        if "left in place a Kentucky abortion law" in quote:
            assert k.articles == ["a1", "a2"]


def test_self_comparison_is_all_consensus() -> None:
    for text in (FOUNDER, NEWS):
        result = run([text, text])
        assert {k.status for k in result.clusters} == {ClusterStatus.consensus}


def test_every_outlet_marked_reports_states_the_label_by_the_rules() -> None:
    result = run([FOUNDER, FOUNDER.replace("Russian forces", "Russian troops")])
    coverage = Coverage(result.articles)
    claims = {c.id: c for a in result.articles for c in a.claims}
    checked = 0
    for k in result.clusters:
        label = claims[k.label_claim]
        for aid in k.articles:
            if aid != label.article_id:
                assert coverage.relations.of(label, aid) in (Relation.states, Relation.contradicts)
                checked += 1
    assert checked > 20


def test_a_changed_figure_is_a_conflict_naming_both_values() -> None:
    changed = FOUNDER.replace("approximately ten thousand soldiers", "about 12,000 soldiers")
    result = run([FOUNDER, changed])
    conflicts = [k for k in result.clusters if k.status is ClusterStatus.conflict]
    assert len(conflicts) == 1 and conflicts[0].conflict is not None
    values = {v.article_id: v.value or "" for v in conflicts[0].conflict.values}
    assert "ten thousand" in values["a1"] and "12,000" in values["a2"]


def test_the_result_records_the_coverage_alignment() -> None:
    result = run([NEWS, NEWS])
    assert result.engine.alignment.startswith("parallax-coverage-2")
    assert result.engine.model.endswith("-atomic")


WIRE = (
    "Trump brings back trusted aide Hope Hicks to the White House. "
    "Hope Hicks, one of the president's most trusted aides, is returning to the White House. "
    "She resigned on Thursday, Feb. 28, 2018, after testifying before the House "
    "intelligence panel. "
    "The move comes as the reelection campaign moves into high gear."
)


def test_a_trimmed_copy_does_not_state_the_paragraph_it_cut() -> None:
    # Outlets run wire copy with a paragraph cut. The copy's other sentences repeat
    # the original's, so they say what those say, not the cut paragraph's facts; and
    # the cut claim's date ("on Thursday") is searched too, by its kind.
    cut = (
        "She resigned on Thursday, Feb. 28, 2018, after testifying before the House "
        "intelligence panel. "
    )
    start = WIRE.index(cut)
    result = run([WIRE, WIRE.replace(cut, "")])
    claims = {c.id: c for a in result.articles for c in a.claims}

    def in_cut(cid: str) -> bool:
        c = claims[cid]
        return c.article_id == "a1" and start <= c.evidence.start < start + len(cut)

    cut_rows = [k for k in result.clusters if in_cut(k.label_claim)]
    assert any("on Thursday" in claims[k.label_claim].evidence.quote for k in cut_rows)
    assert cut_rows and all(k.status is ClusterStatus.unique for k in cut_rows)
    assert all(k.articles == ["a1"] for k in cut_rows)
    kept = [k for k in result.clusters if k not in cut_rows]
    assert {k.status for k in kept} == {ClusterStatus.consensus}


def test_a_name_alone_is_not_a_claim() -> None:
    got = pieces(WIRE)
    assert "Hope Hicks" not in got
    assert any(p.startswith("Hope Hicks") for p in got)


def test_a_short_claim_with_another_figure_is_a_conflict() -> None:
    # "in 6 seconds" carries too few words around its figure for the pair rules to
    # see a conflict; the passage that states it gives the figure another value.
    base = "Heroic parishioners end a church shootout in 6 seconds, authorities say; 3 dead."
    result = run([base, base.replace("6 seconds", "9 seconds")])
    conflicts = [k for k in result.clusters if k.status is ClusterStatus.conflict]
    assert len(conflicts) == 1 and conflicts[0].conflict is not None
    values = {v.article_id: v.value or "" for v in conflicts[0].conflict.values}
    assert "6 seconds" in values["a1"] and "9 seconds" in values["a2"]


def test_two_dates_of_two_facts_in_one_sentence_are_no_conflict() -> None:
    # Each claim is checked against its counterpart in the other sentence, not
    # against every claim there: April 6 and May 18 date two different payments.
    base = (
        "The administration is seeking $250 billion in payments to Americans starting "
        "April 6, followed by another $250 billion cash payment round beginning May 18."
    )
    result = run([base, base.replace("seeking $250 billion", "seeking $375 billion")])
    conflicts = [k for k in result.clusters if k.status is ClusterStatus.conflict]
    assert len(conflicts) == 1 and conflicts[0].conflict is not None
    assert {v.value for v in conflicts[0].conflict.values} == {"$250 billion", "$375 billion"}
