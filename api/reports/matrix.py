"""The coverage matrix: one row per cluster, one column per outlet.

Each cell says what that outlet does with the cluster's claim: it *reports* it, it
*conflicts* (and states its own value), it *omits* it (the comparison's omissions: a
claim other outlets share that this one leaves out), or the claim is simply *absent*
(another outlet's unique claim, or a conflict it takes no part in). Format-neutral
like :mod:`api.reports.view`: nothing here is escaped.

Rows put what an editor checks first on top: conflicts, then consensus, then partial
claims by how many outlets carry them, then unique ones. A comparison of hundreds of
articles can have hundreds of clusters; past :data:`MAX_MATRIX_ROWS` the rest are
counted, not shown (the sections below the matrix still list them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from api.models import ClusterStatus, Comparison
from api.reports.view import ClusterView, ComparisonView, EvidenceView

MAX_MATRIX_ROWS = 200

_ROW_ORDER = {
    ClusterStatus.conflict: 0,
    ClusterStatus.consensus: 1,
    ClusterStatus.partial: 2,
    ClusterStatus.unique: 3,
    ClusterStatus.unmatched: 4,
}


class CellState(StrEnum):
    reports = "reports"
    conflicts = "conflicts"
    omits = "omits"
    absent = "absent"


@dataclass(frozen=True, slots=True)
class MatrixCell:
    state: CellState
    claim_id: str | None = None  # the outlet's claim in this cluster, to link to its span
    value: str | None = None  # what the outlet states, for a conflict


@dataclass(frozen=True, slots=True)
class MatrixRow:
    cluster: ClusterView
    cells: tuple[MatrixCell, ...]  # one per article, in article order

    def count(self, state: CellState) -> int:
        return sum(1 for cell in self.cells if cell.state is state)


@dataclass(frozen=True, slots=True)
class CoverageMatrix:
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    rows: tuple[MatrixRow, ...]
    more: int  # clusters not shown as rows


def _row(
    cluster: ClusterView, article_ids: Sequence[str], omitted: set[tuple[str, str]]
) -> MatrixRow:
    first: dict[str, EvidenceView] = {}
    for item in cluster.evidence:  # per outlet, the claim that takes a side if any
        held = first.get(item.article_id)
        if held is None or (item.clashes and not held.clashes):
            first[item.article_id] = item
    members = set(cluster.article_ids)
    cells: list[MatrixCell] = []
    for aid in article_ids:
        ev = first.get(aid)
        if aid in members or ev is not None:
            conflict = cluster.status is ClusterStatus.conflict and ev is not None and ev.clashes
            cells.append(
                MatrixCell(
                    CellState.conflicts if conflict else CellState.reports,
                    ev.claim_id if ev else None,
                    ev.value if ev else None,
                )
            )
        elif (aid, cluster.id) in omitted:
            cells.append(MatrixCell(CellState.omits))
        else:
            cells.append(MatrixCell(CellState.absent))
    return MatrixRow(cluster, tuple(cells))


def build_matrix(c: Comparison, view: ComparisonView) -> CoverageMatrix:
    article_ids = tuple(a.id for a in c.articles)
    omitted = {(o.article_id, cid) for o in c.omissions for cid in o.clusters}
    ordered = sorted(
        view.clusters, key=lambda cv: (_ROW_ORDER[cv.status], -len(cv.article_ids))
    )  # stable: equal keys keep the comparison's order
    rows = tuple(_row(cv, article_ids, omitted) for cv in ordered[:MAX_MATRIX_ROWS])
    return CoverageMatrix(
        article_ids=article_ids,
        outlets=tuple(view.names[aid] for aid in article_ids),
        rows=rows,
        more=max(0, len(ordered) - MAX_MATRIX_ROWS),
    )
