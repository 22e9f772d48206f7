"""The HTML report of a feed: one self-contained file, no network.

The stories, largest first, each a collapsed ``<details>`` with its outlets, its
brief and its comparison; a search box (small inline script) filters them by label
and outlet, so hundreds of stories stay usable. Each comparison is the comparison
report itself (:func:`api.reports.html.render_comparison_html`), carried as an
escaped JSON string and shown in a sandboxed frame the first time it is opened: a
closed story costs no layout. The page's CSP allows its own and the embedded
report's inline style and script by hash, and nothing else.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from api.models import Stories
from api.reports import html as comparison_html

_ENV = Environment(
    loader=PackageLoader("api.reports", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _asset(name: str) -> str:
    return files("api.reports").joinpath("templates", name).read_text(encoding="utf-8")


CSS = _asset("feed.css")
JS = _asset("feed.js")
# The frames' srcdoc documents inherit this policy: it also allows the comparison
# report's own style and script (which its own CSP allows in turn).
CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src " + " ".join(comparison_html.csp_hash(x) for x in (CSS, comparison_html.CSS)),
        "script-src " + " ".join(comparison_html.csp_hash(x) for x in (JS, comparison_html.JS)),
        "img-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)


def render_stories_html(s: Stories) -> str:
    stories: list[dict[str, Any]] = []
    for st in s.stories:
        report = None
        if st.comparison is not None:
            report = htmlsafe_json_dumps(comparison_html.render_comparison_html(st.comparison))
        stories.append(
            {
                "id": st.id,
                "label": st.label,
                "n": len(st.article_ids),
                "outlets": st.outlets,
                "article_ids": st.article_ids,
                "search": " ".join([st.label, *st.outlets]).lower(),
                "brief": st.comparison.summary if st.comparison is not None else None,
                "report": report,
                "failed": st.comparison is None and s.compared and len(st.article_ids) > 1,
            }
        )
    compared = sum(st.comparison is not None for st in s.stories)
    if s.compared:
        engine = f" with the {s.engine.name} engine" if s.engine else ""
        headline = f"{compared} stories of two or more articles compared{engine}."
    else:
        headline = "Grouped only (--no-compare): no story was compared."
    return _ENV.get_template("feed.html.j2").render(
        stories=stories,
        n_articles=len(s.articles),
        headline=headline,
        grouping=s.grouping,
        errors=s.errors,
        created_at=s.created_at,
        csp=CSP,
        css=Markup(CSS),
        js=Markup(JS),
    )
