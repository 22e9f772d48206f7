"""The Markdown report of a feed: its stories, largest first, each collapsed.

Each story shows its outlets, its brief (the comparison's ``summary``) and a link to
its comparison, which follows in full (the comparison report, headings one level
down) under "Comparisons", collapsed too, so a feed of hundreds of stories stays a
list one can scroll.
"""

from __future__ import annotations

from api.models import Stories, Story
from api.reports.markdown import render_comparison_md


def _plain(text: str) -> str:
    """One line, with Markdown's and HTML's active characters escaped."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def comparison_anchor(story: Story) -> str:
    return f"comparison-{story.id}"


def render_stories_md(s: Stories) -> str:
    compared = [st for st in s.stories if st.comparison is not None]
    lines = [
        f"# Parallax stories: {len(s.articles)} articles, {len(s.stories)} stories",
        "",
        (
            f"{len(compared)} of {sum(len(st.article_ids) > 1 for st in s.stories)} stories of "
            "two or more articles compared"
            + (f" with the {s.engine.name} engine." if s.engine else ".")
            if s.compared
            else "Grouped only (--no-compare): no story was compared."
        ),
        "",
        f"Grouping: {s.grouping}.",
        "",
        "## Stories",
        "",
    ]
    for n, st in enumerate(s.stories, 1):
        noun = "article" if len(st.article_ids) == 1 else "articles"
        lines += [
            "<details>",
            f"<summary>{n}. {_plain(st.label)} ({len(st.article_ids)} {noun})</summary>",
            "",
            f"**Outlets:** {' · '.join(_plain(o) for o in st.outlets)}  ",
            f"**Articles:** {', '.join(st.article_ids)}",
            "",
        ]
        if st.comparison is not None:
            brief = _plain(st.comparison.summary) or "*(empty brief)*"
            lines += [f"**Brief:** {brief}", "", f"[Comparison](#{comparison_anchor(st)})", ""]
        elif len(st.article_ids) > 1 and s.compared:
            lines += ["*Comparison failed: see Errors.*", ""]
        lines += ["</details>", ""]
    if compared:
        lines += ["## Comparisons", ""]
        for st in compared:
            assert st.comparison is not None
            body = render_comparison_md(st.comparison).rstrip("\n").splitlines()
            demoted = ["#" + line if line.startswith("#") else line for line in body]
            lines += [
                f'<a id="{comparison_anchor(st)}"></a>',
                "<details>",
                f"<summary>{_plain(st.label)}</summary>",
                "",
                *demoted,
                "",
                "</details>",
                "",
            ]
    if s.errors:
        lines += ["## Errors", ""]
        lines += [f"- `{e.source}`: {e.code}: {_plain(e.message)}" for e in s.errors]
        lines.append("")
    lines += [f"*Generated {s.created_at}.*", ""]
    return "\n".join(lines)
