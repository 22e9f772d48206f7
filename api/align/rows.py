"""Rows of the comparison: one fact each, and what every outlet does with it.

A row is read through its *label claim*: every article marked as reporting the row
states that claim (api.align.decide), in the sentence its member claims sit in. Rows
are built greedily, the claims that most articles state first, so that the label of a
shared fact is the wording the others cover, not the most detailed one:

- the label claim's own article, and every article that states it, join the row with
  the claims of the sentence that states it (the one whose words the label covers
  most); the label's article joins with its other sentences that repeat the fact (a
  headline and a lede), so the fact is not a second row;
- a member that states the label in turn (the same fact both ways) is used up; a member
  that says more stays free to label a row of its own, for the detail it adds;
- an article that states none of the label (``absent``) *omits* the row; one the
  evidence does not settle is in neither list: no statement is made about it;
- a row where an article gives the fact with a value that cannot also be true is a
  ``conflict``, naming each side's value;
- a claim no other article states is ``unique`` ("only in") only when every other
  article states none of it; otherwise it is ``unmatched`` and asserts nothing;
- a row whose label is a detail of a sentence (not its first claim) is the *detail of*
  the row of that sentence's first claim, so reports can show it beside that fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from api.align.clustering import ROW_RANK, single
from api.align.decide import Decision, conflict_kind, conflict_of
from api.align.relations import STATED, Relations
from api.align.rules import STATES
from api.align.support import Passage, Support
from api.align.types import CandidatePair, Relation, Verdict
from api.models import Claim, Cluster, ClusterStatus, Omission


def build(
    article_ids: Sequence[str],
    claims: Sequence[Claim],
    relations: Relations,
    support: Support,
) -> tuple[list[Cluster], list[Omission]]:
    order = {aid: i for i, aid in enumerate(article_ids)}
    # The sentences of each article with their claims, for the label's repeats within
    # its own article.
    own_sentences = {
        aid: [
            (s.index, group)
            for s in support.sentences[aid]
            if (group := support.claims_in(aid, s.index))
        ]
        for aid in article_ids
    }
    stating_of = {c.id: relations.stating(c) for c in claims}
    ranked = sorted(
        claims, key=lambda c: (-len(stating_of[c.id]), order[c.article_id], c.evidence.start)
    )
    by_id = {c.id: c for c in claims}
    used: set[str] = set()
    rows: list[tuple[Cluster, list[str]]] = []  # the row, and the articles that omit it
    row_of: dict[str, int] = {}  # claim id -> index of the first row it is in
    for c in ranked:
        if c.id in used:
            continue
        used.add(c.id)
        stating = stating_of[c.id]
        others = [x for x in article_ids if x != c.article_id]
        if stating:
            row, omit = _shared_row(c, stating, others, relations, support, own_sentences, used)
            rank = {
                cid: (order[by_id[cid].article_id], by_id[cid].evidence.start) for cid in row.claims
            }
            row = row.model_copy(
                update={
                    "articles": sorted(row.articles, key=order.__getitem__),
                    "claims": sorted(row.claims, key=rank.__getitem__),
                }
            )
        elif others and relations.absent_everywhere(c):
            row, omit = single(c, ClusterStatus.unique), []
        else:
            row, omit = single(c, ClusterStatus.unmatched), []
        for cid in row.claims:
            row_of.setdefault(cid, len(rows))
        rows.append((row, omit))

    def position(row: Cluster) -> tuple[int, int, int]:
        label = by_id[row.label_claim]
        return (ROW_RANK[row.status], order[label.article_id], label.evidence.start)

    ranked_rows = sorted(range(len(rows)), key=lambda i: position(rows[i][0]))
    new_id = {i: f"k{n + 1}" for n, i in enumerate(ranked_rows)}
    clusters: list[Cluster] = []
    omissions: dict[str, list[str]] = defaultdict(list)
    for i in ranked_rows:
        row, omit = rows[i]
        label = support.sentence_of(by_id[row.label_claim])
        head = support.claims_in(label.article_id, label.index)[0].id
        parent = row_of.get(head)
        clusters.append(
            row.model_copy(
                update={
                    "id": new_id[i],
                    "detail_of": new_id[parent] if parent is not None and parent != i else None,
                }
            )
        )
        for x in omit:
            omissions[x].append(new_id[i])
    return clusters, [Omission(article_id=x, clusters=omissions[x]) for x in article_ids]


def _shared_row(
    c: Claim,
    stating: Sequence[str],
    others: Sequence[str],
    relations: Relations,
    support: Support,
    own_sentences: Mapping[str, Sequence[tuple[int, Sequence[Claim]]]],
    used: set[str],
) -> tuple[Cluster, list[str]]:
    passages = support.passages(c)
    own = support.sentence_of(c)
    members: list[Claim] = [c]
    clash: Decision | None = None
    for x in stating:
        sentence = passages[x].sentence
        assert sentence is not None  # stated: a passage was found
        group = support.claims_in(x, sentence.index)
        if not group:
            continue
        mine = {d.id: support.passages(d).get(c.article_id) for d in group}
        # The member: the claim of that sentence with most of the label's own words,
        # then the one the label's sentence states most (the same fact both ways).
        label_terms = support.terms(c)
        d = max(
            group,
            key=lambda d: (
                sum(w for t, w in label_terms.items() if t in support.terms(d)),
                _found_in(mine[d.id], own.index),
            ),
        )
        if relations.of(c, x) is Relation.contradicts:
            # The other side: the claim of that sentence whose value clashes.
            d = next((e for e in group if conflict_kind(c, e) is not None), d)
            if clash is None:
                clash = Decision(CandidatePair(c, d, passages[x].found), _conflict(c, d))
        members.append(d)
        if _found_in(mine[d.id], own.index) >= STATES:
            used.add(d.id)
    # The label's own article repeats the fact elsewhere (a headline and a lede).
    for index, group in own_sentences[c.article_id]:
        if index == own.index:
            continue
        for d in group:
            if d.id in used:
                continue
            back = support.passages(d).get(stating[0])
            there = passages[stating[0]].sentence
            if (
                back is not None
                and there is not None
                and back.sentence is not None
                and back.sentence.index == there.index
                and back.found >= STATES
                and relations.of(d, stating[0]) in STATED
            ):
                members.append(d)
                used.add(d.id)
    articles = [c.article_id, *stating]
    total = len(others) + 1
    if clash is not None:
        status = ClusterStatus.conflict
    elif len(articles) == total:
        status = ClusterStatus.consensus
    else:
        status = ClusterStatus.partial
    row = Cluster(
        id="",
        status=status,
        label=c.text,
        label_claim=c.id,
        claims=[m.id for m in members],
        articles=articles,  # put in article order by the caller
        conflict=conflict_of(members, clash) if clash is not None else None,
    )
    return row, relations.absent_in(c, others)


def _found_in(passage: Passage | None, index: int) -> float:
    """How much of a member the label's sentence states (0 when it is another one)."""
    if passage is None or passage.sentence is None:
        return 0.0
    return passage.found if passage.sentence.index == index else 0.0


def _conflict(c: Claim, d: Claim) -> Verdict:
    kind = conflict_kind(c, d)
    return Verdict(Relation.contradicts, kind.value if kind is not None else "statement")
