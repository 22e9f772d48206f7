"""The ``parallax`` command line: parse arguments, run the pipeline, print a report.

Deliberately thin: ingest -> engine -> pipeline -> report, and one place
(:func:`_execute`) that maps errors to exit codes and one-line messages on stderr.
Ingest and the pipeline are imported on use, so ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn

import typer
from pydantic import ValidationError

from api import engines
from api.errors import EngineUnavailable, InputError, ParallaxError, UsageError
from api.models import Article, ErrorEntry
from api.reports.html import render_comparison_html
from api.reports.markdown import render_comparison_md, render_summaries_md
from api.settings import Settings, get_settings

PROG = "parallax"

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130

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
FILE may be '-' to read standard input. Defaults come from PARALLAX_*
environment variables (PARALLAX_ENGINE, PARALLAX_MAX_WORDS,
PARALLAX_SUMMARY_MAX_WORDS, PARALLAX_MAX_ARTICLE_BYTES).
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
        help="Article files (.txt, .md, .html, .json); '-' reads standard input.",
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


def _say(kind: str, message: str) -> None:
    typer.echo(f"{PROG}: {kind}: {message}", err=True)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ParallaxError):
        return f"{exc.source}: {exc.message}" if exc.source else exc.message
    return str(exc)


def _execute(job: Callable[[], int], *, debug: bool) -> NoReturn:
    """Run ``job`` and exit with its code; every error becomes one line on stderr."""
    try:
        code = job()
    except (typer.Exit, typer.Abort):
        raise
    except (InputError, UsageError, EngineUnavailable) as exc:
        code = _fail(exc, EXIT_USAGE, debug=debug)
    except ParallaxError as exc:  # EngineError and anything else of ours
        code = _fail(exc, EXIT_INTERNAL, debug=debug)
    except Exception as exc:
        hint = "" if debug else " (run with --debug for the traceback)"
        code = _fail(
            exc,
            EXIT_INTERNAL,
            debug=debug,
            text=f"internal error: {type(exc).__name__}: {exc}{hint}",
        )
    raise typer.Exit(code)


def _fail(exc: BaseException, code: int, *, debug: bool, text: str | None = None) -> int:
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    _say("error", text or _describe(exc))
    return code


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"PARALLAX_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise UsageError(f"invalid setting: {problems}") from exc


def _stdin(files: Sequence[str]) -> BinaryIO | None:
    return getattr(sys.stdin, "buffer", None) if "-" in files else None


def _check_output(path: Path | None) -> None:
    """Fail before any work is done if the report could not be written."""
    if path is None:
        return
    parent = path.parent
    if path.is_dir():
        raise UsageError("is a directory", source=str(path))
    if not parent.is_dir():
        raise UsageError(f"directory {str(parent)!r} does not exist", source=str(path))
    if not os.access(parent, os.W_OK):
        raise UsageError(f"directory {str(parent)!r} is not writable", source=str(path))


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temp file next to ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _emit(text: str, output: Path | None, fmt: str) -> None:
    if not text.endswith("\n"):
        text += "\n"
    if output is not None:
        try:
            _write_atomic(output, text)
        except OSError as exc:
            raise ParallaxError(f"cannot write: {exc.strerror or exc}", source=str(output)) from exc
        _say("note", f"wrote {fmt} report to {output}")
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`parallax ... | head`): stop quietly.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_INTERNAL) from None


def _load(
    files: Sequence[str], settings: Settings, *, keep_going: bool, minimum: int, command: str
) -> tuple[list[Article], list[ErrorEntry]]:
    from api import ingest

    articles, errors = ingest.load_articles(
        files, max_bytes=settings.max_article_bytes, keep_going=keep_going, stdin=_stdin(files)
    )
    for err in errors:
        _say("warning", f"{err.source}: {err.message} (skipped)")
    if len(articles) < minimum:
        failed = f"; {len(errors)} input(s) failed" if errors else ""
        noun = "article" if minimum == 1 else "articles"
        raise UsageError(f"{command} needs at least {minimum} {noun}, got {len(articles)}{failed}")
    return articles, errors


def _finish(errors: Sequence[ErrorEntry]) -> int:
    if errors:
        _say("warning", f"partial result: {len(errors)} error(s), listed in the report (exit 3)")
        return EXIT_PARTIAL
    return EXIT_OK


def _format_for(output: Path | None, choices: type[StrEnum], default: StrEnum) -> str:
    """The --format to use when none was given: from -o's extension, else ``default``."""
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
        if suffix in {c.value for c in choices}:
            return suffix
    return default.value


# ---------------------------------------------------------------------------------
# Commands


@app.command(epilog=EPILOG, no_args_is_help=True)
def summarize(
    files: Files,
    engine: EngineOpt = None,
    max_words: Annotated[
        int | None,
        typer.Option(
            "--max-words",
            min=10,
            max=2000,
            help="Word budget of each summary.  [default: PARALLAX_SUMMARY_MAX_WORDS or 60]",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        SummaryFormat | None,
        typer.Option("--format", help="Output format.  [default: md, or from -o's extension]"),
    ] = None,
    output: OutputOpt = None,
    keep_going: KeepGoingOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Summarize each article and list its claims with their evidence."""

    def job() -> int:
        settings = _settings()
        chosen = fmt.value if fmt else _format_for(output, SummaryFormat, SummaryFormat.md)
        _check_output(output)
        articles, errors = _load(
            files, settings, keep_going=keep_going, minimum=1, command="summarize"
        )
        eng = engines.get_engine(engine.value if engine else settings.engine, settings)
        from api import pipeline

        result = asyncio.run(
            pipeline.summarize(
                articles,
                eng,
                max_words=settings.summary_max_words if max_words is None else max_words,
                errors=errors,
            )
        )
        text = result.model_dump_json(indent=2) if chosen == "json" else render_summaries_md(result)
        _emit(text, output, chosen)
        return _finish(result.errors)

    _execute(job, debug=debug)


@app.command(epilog=EPILOG, no_args_is_help=True)
def compare(
    files: Files,
    engine: EngineOpt = None,
    max_words: Annotated[
        int | None,
        typer.Option(
            "--max-words",
            min=10,
            max=2000,
            help="Word budget of the cross-article brief.  [default: PARALLAX_MAX_WORDS or 75]",
            show_default=False,
        ),
    ] = None,
    summary_words: Annotated[
        int | None,
        typer.Option(
            "--summary-words",
            min=10,
            max=2000,
            help="Word budget of each article's summary.  "
            "[default: PARALLAX_SUMMARY_MAX_WORDS or 60]",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        CompareFormat | None,
        typer.Option("--format", help="Output format.  [default: md, or from -o's extension]"),
    ] = None,
    output: OutputOpt = None,
    keep_going: KeepGoingOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Compare two or more articles: what they agree on, contradict, and leave out."""

    def job() -> int:
        settings = _settings()
        chosen = fmt.value if fmt else _format_for(output, CompareFormat, CompareFormat.md)
        _check_output(output)
        articles, errors = _load(
            files, settings, keep_going=keep_going, minimum=2, command="compare"
        )
        eng = engines.get_engine(engine.value if engine else settings.engine, settings)
        from api import pipeline

        result = asyncio.run(
            pipeline.compare(
                articles,
                eng,
                max_words=settings.max_words if max_words is None else max_words,
                summary_max_words=(
                    settings.summary_max_words if summary_words is None else summary_words
                ),
                errors=errors,
            )
        )
        if chosen == "json":
            text = result.model_dump_json(indent=2)
        elif chosen == "html":
            text = render_comparison_html(result)
        else:
            text = render_comparison_md(result)
        _emit(text, output, chosen)
        return _finish(result.errors)

    _execute(job, debug=debug)


def main() -> None:
    """Console entry point (``parallax``).

    Typer's standalone mode turns usage errors into exit 2 and Ctrl-C into exit 130;
    the commands themselves exit 0/1/2/3 through :func:`_execute`.
    """
    try:
        app(prog_name=PROG, standalone_mode=True)
    except KeyboardInterrupt:  # outside the command, e.g. during start-up
        typer.echo("", err=True)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
