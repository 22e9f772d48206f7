"""Planted edits on real articles, shared by tests/compare/test_planted.py and bench/planted.py.

An article is compared with copies of itself that differ in one known way, so the
right answer is known without labels:

* ``self``: an exact copy gives only consensus (no conflict, nothing unique/unmatched);
* ``figure``: one figure (in digits, or one number word) changed in the copy gives
  exactly one conflict cluster, which holds the edited claim and names both figures;
* ``delete``: one sentence (not the headline) deleted from the copy leaves that
  sentence's claims in a ``unique`` cluster, and no conflict. A claim whose every
  content word one kept sentence still has is left out of the check (the copy may
  still state it: a headline restates its lede); a case left with none does not apply.

With ``three=True`` the comparison is (original, exact copy, edited copy): a figure
change must still give exactly one conflict, and a deleted sentence must sit in a
``partial`` cluster of the two untouched articles that the edited copy omits.

Edits are chosen by a ``random.Random`` seeded with a string (stable across runs and
interpreters), so the cases are deterministic.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from api.claims.quantities import extract_quantities
from api.compare.pipeline import compare
from api.engines.offline import OfflineEngine
from api.ingest.inputs import article_from_input
from api.models import ArticleInput, Claim, ClusterStatus, Comparison, QuantityKind
from api.settings import get_settings
from api.text.sentences import Span, sentences
from api.text.terms import content_terms

ROOT = Path(__file__).resolve().parent.parent
NEUS = ROOT.parent / "shared" / "data" / "neus-dev.jsonl"
SEED = "planted-1"
CHECKS = ("self", "figure", "delete")

# Digits as written in a figure: "1,861.81", "266,000", "20".
_DIGITS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class Case:
    """One real article, named "<event id>/<index>"."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Edit:
    """The edited copy, the span of the original it changes, and what was changed."""

    text: str
    span: Span  # in the original: the changed figure, or the deleted sentence
    old: str  # the figure's digits or the deleted sentence
    new: str  # the new digits ("" for a deletion)


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    check: str
    ok: bool
    detail: str  # why it failed, short; "" when it passed or did not apply
    applicable: bool = True


def load_cases(path: Path = NEUS, events: int | None = None, per_event: int = 3) -> list[Case]:
    """The first ``per_event`` articles of the first ``events`` events."""
    cases: list[Case] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if events is not None and n >= events:
                break
            row = json.loads(line)
            for i, text in enumerate(row["articles"][:per_event]):
                cases.append(Case(f"{row['id']}/{i}", text))
    return cases


# --- edits ------------------------------------------------------------------------------


def _rng(case: Case, check: str) -> random.Random:
    return random.Random(f"{SEED}:{check}:{case.name}")


def changed_digits(old: str) -> str:
    """``old`` times 1.5, rounded to as many decimals and with the same thousands
    separators as written, so the edit reads like a figure the outlet could print."""
    decimals = len(old.split(".")[1]) if "." in old else 0
    value = float(old.replace(",", ""))
    new = round(value * 1.5, decimals)
    if new == value:
        new = value + 10**-decimals
    text = f"{new:,.{decimals}f}" if "," in old else f"{new:.{decimals}f}"
    return text


def changed_word(old: str) -> str | None:
    """A number word times 1.5, rounded half up, as a word with the same capital:
    "two" "three", "Ten" "Fifteen"; ``None`` when that has no single word."""
    value = _WORD_VALUES.get(old.lower())
    if value is None:
        return None
    word = _VALUE_WORDS.get(int(value * 1.5 + 0.5))
    if word is None:
        return None
    return word.capitalize() if old[0].isupper() else word


_WORDS = [
    *("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty"]
_WORD_VALUES = {w: i for i, w in enumerate(_WORDS, 1)} | {w: 10 * i for i, w in enumerate(_TENS, 2)}
_VALUE_WORDS = {v: w for w, v in _WORD_VALUES.items()}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_WORD_VALUES) + r")\b", re.IGNORECASE)


def _figure_spans(text: str) -> list[tuple[Span, str]]:
    """Every figure (not a date) the extractor reads, as the span of its digits or its
    one number word, with the replacement: "1,861.81" "2,792.72", "two" "three"."""
    spans: list[tuple[Span, str]] = []
    for q in extract_quantities(text):
        if q.kind is QuantityKind.date:
            continue
        m = _DIGITS.search(q.text)
        if m is not None:
            spans.append((Span(q.start + m.start(), q.start + m.end()), changed_digits(m[0])))
            continue
        words = _NUMBER_WORD.findall(q.text)
        m = _NUMBER_WORD.search(q.text)
        if m is not None and len(words) == 1:
            new = changed_word(m[0])
            if new is not None:
                spans.append((Span(q.start + m.start(), q.start + m.end()), new))
    return spans


def figure_edit(case: Case) -> Edit | None:
    """Change one figure (digits, or a single number word) chosen by the seed."""
    text = case.text
    candidates = _figure_spans(text)
    if not candidates:
        return None
    span, new = _rng(case, "figure").choice(candidates)
    return Edit(text[: span.start] + new + text[span.end :], span, span.of(text), new)


def delete_edit(case: Case) -> Edit | None:
    """Delete one seeded sentence other than the first (the headline)."""
    spans = sentences(case.text)
    if len(spans) < 2:
        return None
    i = _rng(case, "delete").randrange(1, len(spans))
    span = spans[i]
    # Up to the next sentence, so no double space is left behind.
    end = spans[i + 1].start if i + 1 < len(spans) else len(case.text)
    start = span.start if i + 1 < len(spans) else spans[i - 1].end
    return Edit(case.text[:start] + case.text[end:], span, span.of(case.text), "")


# --- running ----------------------------------------------------------------------------


def run(texts: list[str]) -> Comparison:
    names = ("original", "copy", "edited")
    articles = [
        article_from_input(
            ArticleInput(text=t, outlet=names[i] if len(texts) == 3 else names[i * 2]),
            article_id=f"a{i + 1}",
            source=f"planted/{i}",
        )
        for i, t in enumerate(texts)
    ]
    engine = OfflineEngine(atomic=get_settings().alignment == "coverage")
    return asyncio.run(compare(articles, engine, max_words=150, summary_max_words=60))


def _claims(result: Comparison) -> dict[str, Claim]:
    return {c.id: c for a in result.articles for c in a.claims}


def _covering(result: Comparison, article_id: str, span: Span) -> list[str]:
    """Claims of ``article_id`` whose evidence overlaps ``span``."""
    return [
        c.id
        for a in result.articles
        if a.id == article_id
        for c in a.claims
        if c.evidence.start < span.end and span.start < c.evidence.end
    ]


def _statuses(result: Comparison) -> str:
    counts: dict[str, int] = {}
    for c in result.clusters:
        counts[c.status.value] = counts.get(c.status.value, 0) + 1
    return ",".join(f"{k}={v}" for k, v in sorted(counts.items()))


def _short(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def check_self(case: Case, three: bool = False) -> Outcome:
    result = run([case.text] * (3 if three else 2))
    bad = [
        c
        for c in result.clusters
        if c.status in (ClusterStatus.conflict, ClusterStatus.unique, ClusterStatus.unmatched)
        or (three and c.status is ClusterStatus.partial)
    ]
    if not bad:
        return Outcome(case.name, "self", True, "")
    claims = _claims(result)
    detail = "; ".join(f"{c.status.value}: {_short(claims[c.claims[0]].text, 60)}" for c in bad)
    return Outcome(case.name, "self", False, f"[{_statuses(result)}] {detail}")


def check_figure(case: Case, three: bool = False) -> Outcome:
    edit = figure_edit(case)
    if edit is None:
        return Outcome(case.name, "figure", False, "no figure in digits", applicable=False)
    texts = [case.text, case.text, edit.text] if three else [case.text, edit.text]
    result = run(texts)
    edited_id = f"a{len(texts)}"
    delta = len(edit.new) - len(edit.old)
    edited_span = Span(edit.span.start, edit.span.end + delta)
    edited_claims = set(_covering(result, edited_id, edited_span))
    conflicts = [c for c in result.clusters if c.status is ClusterStatus.conflict]
    what = f"{edit.old}->{edit.new}"
    if len(conflicts) != 1:
        claims = _claims(result)
        # The figures read in the edited claim tell a misread figure from a missed link.
        where = "; ".join(
            f"{c.status.value} {[q.text for q in claims[cid].quantities]}: "
            f"{_short(claims[cid].text, 70)}"
            for c in result.clusters
            for cid in c.claims
            if cid in edited_claims
        )
        return Outcome(
            case.name,
            "figure",
            False,
            f"{what}: {len(conflicts)} conflicts [{_statuses(result)}] edited claim in {where}",
        )
    cluster = conflicts[0]
    values = [v.value for v in cluster.conflict.values] if cluster.conflict else []
    if not edited_claims & set(cluster.claims):
        return Outcome(case.name, "figure", False, f"{what}: conflict elsewhere: {values}")
    # "Six-Month" names the edited "six": figures are compared regardless of case.
    named = [v.casefold() for v in values]
    if not (
        any(edit.old.casefold() in v for v in named)
        and any(edit.new.casefold() in v for v in named)
    ):
        return Outcome(case.name, "figure", False, f"{what}: values {values}")
    return Outcome(case.name, "figure", True, "")


def _still_there(terms: list[str], kept: list[frozenset[str]]) -> bool:
    return bool(terms) and any(set(terms) <= k for k in kept)


def check_delete(case: Case, three: bool = False) -> Outcome:
    edit = delete_edit(case)
    if edit is None:
        return Outcome(case.name, "delete", False, "one sentence only", applicable=False)
    texts = [case.text, case.text, edit.text] if three else [case.text, edit.text]
    result = run(texts)
    claims = _claims(result)
    kept = [frozenset(content_terms(s.of(edit.text))) for s in sentences(edit.text)]
    # A claim whose every word a kept sentence still has (the headline restating the
    # lede: "alleging abuse of power and obstruction") may still be stated by the copy:
    # the deletion did not remove that fact, so the case does not test it.
    deleted = {
        cid
        for cid in _covering(result, "a1", edit.span)
        if not _still_there(content_terms(claims[cid].evidence.quote), kept)
    }
    if not deleted and _covering(result, "a1", edit.span):
        return Outcome(case.name, "delete", False, "every fact restated", applicable=False)
    omitted = {
        cid for o in result.omissions if o.article_id == f"a{len(texts)}" for cid in o.clusters
    }
    wrong: list[str] = []
    for cluster in result.clusters:
        held = deleted & set(cluster.claims)
        if not held:
            continue
        if three:
            ok = (
                cluster.status is ClusterStatus.partial
                and cluster.articles == ["a1", "a2"]
                and cluster.id in omitted
            )
        else:
            ok = cluster.status is ClusterStatus.unique
        if not ok:
            wrong.append(f"{cluster.status.value}{sorted(cluster.articles)}")
    conflicts = sum(c.status is ClusterStatus.conflict for c in result.clusters)
    if not deleted:
        wrong.append("no claim")
    if wrong or conflicts:
        return Outcome(
            case.name,
            "delete",
            False,
            f"{_short(edit.old, 70)!r}: in {', '.join(wrong) or 'ok'}; {conflicts} conflicts",
        )
    return Outcome(case.name, "delete", True, "")


CHECK_FUNCTIONS = {"self": check_self, "figure": check_figure, "delete": check_delete}


def outcomes(cases: list[Case], three: bool = False) -> Iterator[Outcome]:
    for case in cases:
        for check in CHECKS:
            yield CHECK_FUNCTIONS[check](case, three)


def rate(results: list[Outcome], check: str) -> tuple[int, int]:
    """(passed, applicable) for one check."""
    mine = [r for r in results if r.check == check and r.applicable]
    return sum(r.ok for r in mine), len(mine)
