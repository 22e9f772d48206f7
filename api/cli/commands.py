"""The ``parallax`` command line: parse arguments, run the pipeline, print a report.

Deliberately thin: each command parses its options and supplies its own pipeline call
and rendering; :func:`api.cli.support.run_command` does the rest (ingest -> engine ->
pipeline -> report) and maps errors to exit codes and one-line messages on stderr.
The pipeline is imported on use, so ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypedDict

import typer

from api import aio
from api.cli.support import EXIT_INTERRUPTED, PROG, Loaded, execute, run_command
from api.models import ErrorEntry
from api.reports.html import render_comparison_html
from api.reports.markdown import render_comparison_md, render_summaries_md

EPILOG = """\b
Exit codes:
  0    success
  1    internal error, or the engine failed
  2    bad input or usage: unreadable, empty or oversized file, unknown
       option, engine not available, too few articles
  3    partial result (--keep-going): some inputs failed; the others
       were processed and the failures are listed under "errors"
  130  interrupted
\b
FILE may be '-' to read standard input, or an http(s) URL to fetch
(only public addresses unless PARALLAX_FETCH_ALLOWLIST names them).
Defaults come from PARALLAX_* environment variables (PARALLAX_ENGINE,
PARALLAX_MAX_WORDS, PARALLAX_SUMMARY_MAX_WORDS, PARALLAX_MAX_ARTICLE_BYTES,
PARALLAX_FETCH_*, PARALLAX_LOG_LEVEL, PARALLAX_LOG_FORMAT); --engine llm
reads PARALLAX_LLM_BASE_URL, PARALLAX_LLM_MODEL, PARALLAX_LLM_API_KEY and
the other PARALLAX_LLM_* and PARALLAX_CACHE_* settings (see the README).
"""


class EngineName(StrEnum):
    offline = "offline"
    llm = "llm"


class SummaryFormat(StrEnum):
    md = "md"
    json = "json"


class CompareFormat(StrEnum):
    md = "md"
    json = "json"
    html = "html"


app = typer.Typer(
    name=PROG,
    help="Summarize news articles and compare them claim by claim.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# ---------------------------------------------------------------------------------
# Shared options

Files = Annotated[
    list[str],
    typer.Argument(
        metavar="FILE",
        help="Article files (.txt, .md, .html, .json) or http(s) URLs; '-' reads standard input.",
        show_default=False,
    ),
]
EngineOpt = Annotated[
    EngineName | None,
    typer.Option("--engine", help="Engine to run.  [default: PARALLAX_ENGINE or offline]"),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file (atomically) instead of standard output.",
        dir_okay=False,
        show_default=False,
    ),
]
KeepGoingOpt = Annotated[
    bool,
    typer.Option(
        "--keep-going",
        help="Skip inputs that cannot be read instead of stopping; they are listed "
        "under errors and the exit code is 3.",
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Print tracebacks on errors.")]
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="llm engine: neither read nor write the reply cache."),
]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="llm engine: print the planned LLM calls and their token counts; send nothing.",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="No progress bars (they are drawn on stderr only when it is a terminal).",
    ),
]


def _word_budget(flag: str, help_text: str) -> Any:
    """A word-budget option: 10 to 2000 words; its default comes from the settings."""
    return typer.Option(flag, min=10, max=2000, help=help_text, show_default=False)


def _format_option() -> Any:
    """--format; the choices are the annotated enum's."""
    return typer.Option("--format", help="Output format.  [default: md, or from -o's extension]")


# ---------------------------------------------------------------------------------
# Commands


SummaryWordsOpt = Annotated[
    int | None,
    _word_budget(
        "--summary-words",
        "Word budget of each article's summary.  [default: PARALLAX_SUMMARY_MAX_WORDS or 60]",
    ),
]


class _Budgets(TypedDict):
    max_words: int
    summary_max_words: int


def _budgets(run: Loaded, max_words: int | None, summary_words: int | None) -> _Budgets:
    """The brief's and each summary's word budgets: the flags, else the settings."""
    return {
        "max_words": run.settings.max_words if max_words is None else max_words,
        "summary_max_words": (
            run.settings.summary_max_words if summary_words is None else summary_words
        ),
    }


@app.command(epilog=EPILOG, no_args_is_help=True)
def summarize(
    files: Files,
    engine: EngineOpt = None,
    max_words: Annotated[
        int | None,
        _word_budget(
            "--max-words",
            "Word budget of each summary.  [default: PARALLAX_SUMMARY_MAX_WORDS or 60]",
        ),
    ] = None,
    fmt: Annotated[SummaryFormat | None, _format_option()] = None,
    output: OutputOpt = None,
    keep_going: KeepGoingOpt = False,
    no_cache: NoCacheOpt = False,
    debug: DebugOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Summarize each article and list its claims with their evidence."""

    def produce(run: Loaded) -> tuple[str, Sequence[ErrorEntry]]:
        from api.compare import pipeline

        result = aio.run(
            pipeline.summarize(
                run.articles,
                run.engine,
                max_words=run.settings.summary_max_words if max_words is None else max_words,
                errors=run.errors,
                progress=run.progress,
            )
        )
        text = (
            result.model_dump_json(indent=2) if run.fmt == "json" else render_summaries_md(result)
        )
        return text, result.errors

    run_command(
        "summarize",
        files,
        minimum=1,
        engine=engine,
        fmt=fmt,
        default=SummaryFormat.md,
        output=output,
        keep_going=keep_going,
        debug=debug,
        produce=produce,
        overrides={"cache": False} if no_cache else None,
        quiet=quiet,
    )


@app.command(epilog=EPILOG, no_args_is_help=True)
def compare(
    files: Files,
    engine: EngineOpt = None,
    max_words: Annotated[
        int | None,
        _word_budget(
            "--max-words",
            "Word budget of the cross-article brief.  [default: PARALLAX_MAX_WORDS or 75]",
        ),
    ] = None,
    summary_words: SummaryWordsOpt = None,
    fmt: Annotated[CompareFormat | None, _format_option()] = None,
    output: OutputOpt = None,
    keep_going: KeepGoingOpt = False,
    no_cache: NoCacheOpt = False,
    dry_run: DryRunOpt = False,
    debug: DebugOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Compare two or more articles: what they agree on, contradict, and leave out."""

    def produce(run: Loaded) -> tuple[str, Sequence[ErrorEntry]]:
        from api.compare import pipeline

        if dry_run:
            return _dry_run(run, max_words, summary_words), run.errors
        result = aio.run(
            pipeline.compare(
                run.articles,
                run.engine,
                **_budgets(run, max_words, summary_words),
                errors=run.errors,
                progress=run.progress,
            )
        )
        if run.fmt == "json":
            text = result.model_dump_json(indent=2)
        elif run.fmt == "html":
            text = render_comparison_html(result)
        else:
            text = render_comparison_md(result)
        return text, result.errors

    run_command(
        "compare",
        files,
        minimum=2,
        engine=engine,
        fmt=fmt,
        default=CompareFormat.md,
        output=output,
        keep_going=keep_going,
        debug=debug,
        produce=produce,
        overrides={"cache": False} if no_cache else None,
        quiet=quiet,
    )


NoCompareOpt = Annotated[
    bool,
    typer.Option("--no-compare", help="Group the feed into stories; compare none of them."),
]


@app.command(epilog=EPILOG, no_args_is_help=True)
def stories(
    files: Files,
    engine: EngineOpt = None,
    no_compare: NoCompareOpt = False,
    max_words: Annotated[
        int | None,
        _word_budget(
            "--max-words",
            "Word budget of each story's brief.  [default: PARALLAX_MAX_WORDS or 75]",
        ),
    ] = None,
    summary_words: SummaryWordsOpt = None,
    fmt: Annotated[CompareFormat | None, _format_option()] = None,
    output: OutputOpt = None,
    keep_going: KeepGoingOpt = False,
    no_cache: NoCacheOpt = False,
    debug: DebugOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Group a feed's articles into stories (one event each), then compare each story.

    FILE takes what compare takes; a JSON file may hold a whole day's array of
    articles. A one-article story is listed, not compared."""

    def produce(run: Loaded) -> tuple[str, Sequence[ErrorEntry]]:
        from api import engines
        from api.compare import pipeline
        from api.models import Article, Comparison
        from api.reports.feed_html import render_stories_html
        from api.reports.feed_markdown import render_stories_md
        from api.stories.feed import run_feed

        async def compare_story(articles: Sequence[Article]) -> Comparison:
            # A fresh engine per story: each comparison's usage is its own.
            return await pipeline.compare(
                articles,
                engines.get_engine(run.engine.info.name, run.settings),
                **_budgets(run, max_words, summary_words),
            )

        result = aio.run(
            run_feed(
                run.articles,
                None if no_compare else compare_story,
                errors=run.errors,
                engine=None if no_compare else run.engine.info,
            )
        )
        if run.fmt == "json":
            text = result.model_dump_json(indent=2)
        elif run.fmt == "html":
            text = render_stories_html(result)
        else:
            text = render_stories_md(result)
        nested = [e for st in result.stories if st.comparison for e in st.comparison.errors]
        return text, [*result.errors, *nested]  # any failure: partial, exit 3

    run_command(
        "stories",
        files,
        minimum=1,
        engine=engine,
        fmt=fmt,
        default=CompareFormat.md,
        output=output,
        keep_going=keep_going,
        debug=debug,
        produce=produce,
        overrides={"cache": False} if no_cache else None,
        quiet=quiet,
    )


def _dry_run(run: Loaded, max_words: int | None, summary_words: int | None) -> str:
    from api.compare.plan import plan_comparison
    from api.engines.llm.engine import LLMEngine

    if not isinstance(run.engine, LLMEngine):
        return "Dry run: the offline engine makes no LLM calls."
    plan = aio.run(
        plan_comparison(
            run.engine,
            run.articles,
            **_budgets(run, max_words, summary_words),
        )
    )
    return plan.model_dump_json(indent=2) if run.fmt == "json" else plan.render()


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    debug: DebugOpt = False,
) -> None:
    """Run the HTTP API (one uvicorn process; jobs live in PARALLAX_DB_PATH, or in
    PostgreSQL with PARALLAX_DATABASE_URL, where `parallax worker` runs them)."""

    def job() -> int:
        import uvicorn

        from api.cli.support import load_settings
        from api.http import create_app
        from api.logs import configure_logging

        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        app = create_app(settings)
        # access_log off: the service logs each request itself, with its request id.
        # log_config=None: uvicorn's records go through our redacting handler too.
        uvicorn.run(app, host=host, port=port, access_log=False, log_config=None)
        return 0

    execute(job, debug=debug)


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, help="Jobs run at once (PARALLAX_WORKER_CONCURRENCY)."
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Run comparison jobs from the PostgreSQL queue (needs PARALLAX_DATABASE_URL).

    Runs until SIGTERM or Ctrl-C; running jobs then get 30 s to finish before they go
    back to the queue."""

    def job() -> int:
        from api.cli.support import load_settings
        from api.errors import UsageError
        from api.jobs.worker import run_until_signalled
        from api.logs import configure_logging

        settings = load_settings()
        if settings.database_url is None:
            raise UsageError("parallax worker needs PARALLAX_DATABASE_URL (postgresql://...)")
        configure_logging(settings.log_level, settings.log_format)
        aio.run(run_until_signalled(settings, concurrency=concurrency))
        return 0

    execute(job, debug=debug)


def main() -> None:
    """Console entry point (``parallax``).

    Typer's standalone mode turns usage errors into exit 2 and Ctrl-C into exit 130;
    the commands themselves exit 0/1/2/3 through :func:`~api.cli.support.execute`.
    """
    try:
        app(prog_name=PROG, standalone_mode=True)
    except KeyboardInterrupt:  # outside the command, e.g. during start-up
        typer.echo("", err=True)
        sys.exit(EXIT_INTERRUPTED)
