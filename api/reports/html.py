"""A self-contained HTML report: one file, inline CSS and JS, no network.

It works offline and as an e-mail attachment. Safety rests on three things:

- Jinja2 runs with autoescape on; article and model text is never marked safe, and
  article bodies are cut into plain-text segments in Python (:mod:`api.reports.panes`).
- The data the script needs is one JSON block, encoded with ``<``, ``>``, ``&`` and
  ``'`` as ``\\u003c``-style escapes, so no string inside it can close the block.
- A Content-Security-Policy allows only the page's own stylesheet and script, by
  their sha256 hashes: a ``<script>`` or ``onerror=`` that slipped through anyway
  would not run, and nothing is fetched.

Without JavaScript (some mail readers) the page still reads: the script only adds the
linked highlighting and the cluster panel.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.models import ClusterStatus, Comparison
from api.reports.matrix import build_matrix
from api.reports.panes import build_panes
from api.reports.view import ComparisonView, build_comparison_view, clip, status_word

_ENV = Environment(
    loader=PackageLoader("api.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["clip"] = clip

# What each highlight colour means, for the legend above the columns:
# (status, the word shown, meaning).
LEGEND = tuple(
    (status.value, status_word(status), meaning)
    for status, meaning in (
        (ClusterStatus.consensus, "every outlet reports it"),
        (ClusterStatus.partial, "two or more outlets report it, not all"),
        (ClusterStatus.unique, "only this outlet; every other outlet states none of it"),
        (ClusterStatus.conflict, "outlets state it with values that cannot both be true"),
        (ClusterStatus.unmatched, "this outlet states it; nothing is said of the others"),
    )
)


def _asset(name: str) -> str:
    return files("api.reports").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


CSS = _asset("report.css")
JS = _asset("report.js")
CSP = "; ".join(
    [
        "default-src 'none'",
        f"style-src {csp_hash(CSS)}",
        f"script-src {csp_hash(JS)}",
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


def panel_data(c: Comparison, view: ComparisonView) -> dict[str, Any]:
    """What the cluster panel shows, by cluster id; outlets are indexes into ``outlets``.

    ``articles`` are the outlets that state the row's label claim and ``omits`` those
    whose omission lists it; an unmatched row's ``articles`` is its own outlet alone.
    ``detail_of`` is the label of the row this one qualifies, when there is one.
    """
    index = {a.id: i for i, a in enumerate(c.articles)}
    labels = {cv.id: cv.label for cv in view.clusters}
    clusters: dict[str, Any] = {}
    for cv in view.clusters:
        entry: dict[str, Any] = {
            "status": cv.status.value,
            "word": cv.word,
            "label": cv.label,
            "articles": [index[aid] for aid in cv.article_ids if aid in index],
            "omits": [index[aid] for aid in view.omits.get(cv.id, ()) if aid in index],
        }
        if cv.status is ClusterStatus.unmatched:
            own = cv.own_article or (cv.article_ids[0] if cv.article_ids else None)
            entry["articles"] = [index[own]] if own in index else []
        if cv.detail_of is not None and cv.detail_of in labels and cv.detail_of != cv.id:
            entry["detail_of"] = labels[cv.detail_of]
        if cv.status is ClusterStatus.conflict:
            entry["kind"] = cv.conflict_kind
            pairs = (
                (index.get(ev.article_id), ev.side or ev.quote) for ev in cv.evidence if ev.clashes
            )
            # One row per (outlet, value): an outlet may state the same thing twice.
            unique = dict.fromkeys((i, v) for i, v in pairs if i is not None)
            entry["values"] = [[i, v] for i, v in unique]
        clusters[cv.id] = entry
    return {"outlets": [view.names[a.id] for a in c.articles], "clusters": clusters}


def render_comparison_html(c: Comparison) -> str:
    view = build_comparison_view(c)
    template = _ENV.get_template("report.html.j2")
    return template.render(
        view=view,
        matrix=build_matrix(c, view),
        panes=build_panes(c, view),
        n_articles=len(c.articles),
        legend=LEGEND,
        csp=CSP,
        css=Markup(CSS),  # our own static file, hashed into the CSP
        js=Markup(JS),
        data=htmlsafe_json_dumps(panel_data(c, view)),
    )
