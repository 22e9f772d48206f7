"""The coverage matrix: one row per cluster, one column per outlet.

Each cell is a statement about that outlet and the row's label claim, and is made
only when the comparison makes it: the outlet *reports* it (the row lists the
article), *conflicts* and states its own value (a conflict row, for an article that
takes a side with a value), *omits* it (the article's omission lists the row), or the
cell says nothing ("—": another outlet's unique claim, a row the evidence does not
settle for this outlet, or an unmatched row, which asserts nothing about the others).
Format-neutral like :mod:`api.reports.view`: nothing here is escaped.

Rows put what an editor checks first on top: conflicts, then consensus, then partial
claims by how many outlets carry them, then unique ones, then those not matched; a
row that qualifies another (``detail_of``) comes right after it. A comparison of
hundreds of articles can have hundreds of clusters; past :data:`MAX_MATRIX_ROWS` the
rest are counted, not shown (the sections below the matrix still list them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from api.models import ClusterStatus, Comparison
from api.reports.view import ClusterView, ComparisonView, EvidenceView, nest

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
    blank = "blank"  # no statement about this outlet


@dataclass(frozen=True, slots=True)
class MatrixCell:
    state: CellState
    claim_id: str | None = None  # the outlet's claim in this cluster, to link to its span
    value: str | None = None  # the value the outlet states, for a conflict


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


def _row(cluster: ClusterView, article_ids: Sequence[str], omits: Sequence[str]) -> MatrixRow:
    first: dict[str, EvidenceView] = {}
    for item in cluster.evidence:  # per outlet, the claim that takes a side if any
        held = first.get(item.article_id)
        if held is None or (item.clashes and not held.clashes):
            first[item.article_id] = item
    members = set(cluster.article_ids)
    conflict = cluster.status is ClusterStatus.conflict
    cells: list[MatrixCell] = []
    for aid in article_ids:
        ev = first.get(aid)
        if aid in members:
            if conflict and ev is not None and ev.clashes:
                cells.append(MatrixCell(CellState.conflicts, ev.claim_id, ev.side))
            else:
                cells.append(MatrixCell(CellState.reports, ev.claim_id if ev else None))
        elif aid in omits:
            cells.append(MatrixCell(CellState.omits))
        else:
            cells.append(MatrixCell(CellState.blank))
    return MatrixRow(cluster, tuple(cells))


def build_matrix(c: Comparison, view: ComparisonView) -> CoverageMatrix:
    article_ids = tuple(a.id for a in c.articles)
    ordered = nest(
        sorted(view.clusters, key=lambda cv: (_ROW_ORDER[cv.status], -len(cv.article_ids)))
    )  # stable: equal keys keep the comparison's order
    rows = tuple(
        _row(cv, article_ids, view.omits.get(cv.id, ())) for cv in ordered[:MAX_MATRIX_ROWS]
    )
    return CoverageMatrix(
        article_ids=article_ids,
        outlets=tuple(view.names[aid] for aid in article_ids),
        rows=rows,
        more=max(0, len(ordered) - MAX_MATRIX_ROWS),
    )
