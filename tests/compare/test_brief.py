"""The brief never states one side of a conflict as settled: a disputed figure is shown
with what the other outlets give, a disputed denial is left out. Nor does it give one
fact twice: three outlets' headlines of one event are one fact."""

from __future__ import annotations

from api.engines import extractive
from api.engines.extractive import annotated
from api.models import ClusterStatus
from api.text.sentences import sentences
from api.text.terms import content_terms
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
    # The other side is in the note: its own sentence would give the fact again.
    assert brief.count("infrastructure bill") == 1
    result = run_compare([BILL.format("$1 trillion"), *[BILL.format("$1.2 trillion")] * 2])
    assert "$1 trillion [outlet-2, outlet-3: $1.2 trillion]" in result.summary


def test_a_disputed_denial_is_left_out_of_the_brief() -> None:
    asserted = "Ukrainian brigades on the northern edge of the region are retreating to Sudzha."
    denied = "Ukrainian brigades on the northern edge of the region have not retreated to Sudzha."
    result = run_compare([asserted, denied])
    assert [k.status for k in result.clusters] == [ClusterStatus.conflict]
    assert asserted not in result.summary
    assert denied not in result.summary


# Three outlets' reports of one ruling, each in its own words: their headlines are one
# fact, and so are the ledes that restate it.
KENTUCKY = [
    "Supreme Court leaves in place Kentucky abortion restriction. "
    "The Supreme Court on Monday left in place a Kentucky law requiring doctors to "
    "perform an ultrasound and describe the images before an abortion. "
    "The justices did not comment in refusing to review an appeals court ruling that "
    "upheld the law.",
    "Supreme Court leaves Kentucky ultrasound law in place. "
    "The justices on Monday turned away a challenge to a Kentucky law that requires "
    "doctors to describe ultrasound images to women seeking abortions. "
    "The American Civil Liberties Union had argued that the law violates the free "
    "speech rights of doctors.",
    "Kentucky abortion restriction left in place by Supreme Court. "
    "Kentucky's only abortion clinic had challenged the 2017 law, which had been "
    "blocked until an appeals court upheld it. "
    "Gov. Matt Bevin signed the measure shortly after taking office.",
]
HEADLINES = [text.split(". ")[0] + "." for text in KENTUCKY]


def _said_before(brief: str) -> list[tuple[str, str]]:
    """(sentence, earlier sentence) wherever most of a sentence's content words are an
    earlier sentence's: the brief gives that fact twice."""
    said = [s.of(brief) for s in sentences(brief)]
    out = []
    for j, later in enumerate(said):
        words = set(content_terms(later))
        for earlier in said[:j]:
            if words and len(words & set(content_terms(earlier))) > len(words) / 2:
                out.append((later, earlier))
    return out


def test_the_brief_gives_the_headline_fact_once() -> None:
    for max_words in (40, 75, 120):
        brief = run_compare(KENTUCKY, max_words=max_words).summary
        assert sum(h in brief for h in HEADLINES) <= 1, brief
        assert _said_before(brief) == [], brief


def test_the_extractive_brief_skips_a_sentence_an_earlier_one_states() -> None:
    # However the alignment ranks them: every sentence equally supported.
    support = {s.of(t): 1.0 for t in KENTUCKY for s in sentences(t)}
    brief = extractive.brief(KENTUCKY, 120, support)
    assert sum(h in brief for h in HEADLINES) == 1, brief
    assert _said_before(brief) == [], brief
    assert len(brief.split()) > 40  # the room a repeat would take goes to other facts


def test_a_repeat_is_found_by_containment_not_by_equality() -> None:
    lede = "Speaker Nancy Pelosi told reporters on Thursday that talks would go on."
    short = frozenset(content_terms("Pelosi said talks would go on."))
    full = frozenset(content_terms(lede))
    assert extractive.repeats(short, full)  # the shorter says nothing the lede does not
    assert not extractive.repeats(full, short)  # the lede adds who, when and to whom
    assert extractive.restates(short, [full]) and not extractive.restates(full, [short])
