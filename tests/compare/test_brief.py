"""The brief never states one side of a conflict as settled: a disputed figure is shown
with what the other outlets give, a disputed denial is left out."""

from __future__ import annotations

from api.engines.extractive import annotated
from api.models import ClusterStatus
from tests.conftest import BRIEF_NOTE, brief_without_notes, run_compare

BILL = (
    "The House delayed a vote on the {} bipartisan infrastructure bill on Thursday. "
    "Progressive Democrats refused to back the bill until Congress acts on a larger "
    "reconciliation package. Speaker Nancy Pelosi told reporters that talks would go on."
)


def test_a_note_follows_the_first_occurrence_of_its_figure() -> None:
    sentence = "A $1 trillion bill, and then $1 trillion more."
    assert annotated(sentence, [("$1 trillion", "b: $1.2 trillion")]) == (
        "A $1 trillion [b: $1.2 trillion] bill, and then $1 trillion more."
    )
    assert annotated(sentence, [("$3 trillion", "b: $1 trillion")]) == sentence
    assert annotated(sentence, []) == sentence


def test_a_disputed_figure_is_shown_with_the_other_outlets_value() -> None:
    result = run_compare([BILL.format("$1 trillion"), BILL.format("$1.2 trillion")])
    [conflict] = [k for k in result.clusters if k.status is ClusterStatus.conflict]
    brief = result.summary
    assert "$1 trillion [outlet-2: $1.2 trillion]" in brief or (
        "$1.2 trillion [outlet-1: $1 trillion]" in brief
    )
    # Wherever the brief states either figure, the other follows in a note.
    plain = brief_without_notes(brief)
    for figure in ("$1 trillion", "$1.2 trillion"):
        assert plain.count(figure) == brief.count(f"{figure} [")
    assert len(brief.split()) <= 75  # the note counts against the budget
    assert conflict.conflict is not None


def test_every_note_quotes_the_outlet_it_names() -> None:
    result = run_compare([BILL.format("$1 trillion"), BILL.format("$1.2 trillion")])
    text_of = {a.outlet: a.text for a in result.articles}
    notes = BRIEF_NOTE.findall(result.summary)
    assert notes
    for outlet, value in notes:
        assert value in text_of[outlet]


def test_a_note_names_two_outlets_and_counts_more() -> None:
    result = run_compare(
        [BILL.format("$1 trillion"), *[BILL.format("$1.2 trillion")] * 3], max_words=200
    )
    brief = result.summary
    assert "$1 trillion [3 outlets: $1.2 trillion]" in brief
    assert "$1.2 trillion [outlet-1: $1 trillion]" in brief
    result = run_compare([BILL.format("$1 trillion"), *[BILL.format("$1.2 trillion")] * 2])
    assert "$1 trillion [outlet-2, outlet-3: $1.2 trillion]" in result.summary


def test_a_disputed_denial_is_left_out_of_the_brief() -> None:
    asserted = "Ukrainian brigades on the northern edge of the region are retreating to Sudzha."
    denied = "Ukrainian brigades on the northern edge of the region have not retreated to Sudzha."
    result = run_compare([asserted, denied])
    assert [k.status for k in result.clusters] == [ClusterStatus.conflict]
    assert asserted not in result.summary
    assert denied not in result.summary
