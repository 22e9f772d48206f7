"""What every ``parallax`` command does once its arguments are parsed.

:func:`run_command` is the shared flow: settings, output format (from ``-o``'s
extension unless given), output check, ingest, engine, the command's own pipeline and
rendering, then the report on stdout or written atomically, and the exit code.
:func:`execute` maps errors to exit codes and one-line messages on stderr.
Ingest and the pipeline are imported on use, so ``--help`` and usage errors stay fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, NoReturn

import typer
from pydantic import ValidationError

from api import engines
from api.cli.progress import ProgressCallback, progress_bars
from api.engines.base import Engine
from api.errors import EngineUnavailable, InputError, ParallaxError, UsageError
from api.logs import configure_logging, request_context
from api.models import Article, ErrorEntry
from api.settings import Settings, get_settings

PROG = "parallax"

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a command's own step starts from: settings, the loaded articles, the engine,
    the inputs that failed (with --keep-going), the chosen output format, and where the
    pipeline reports its progress (bars on stderr, or nowhere)."""

    settings: Settings
    articles: list[Article]
    engine: Engine
    errors: list[ErrorEntry]
    fmt: str
    progress: ProgressCallback


# A command's own step: run the pipeline and render the result in the chosen format;
# returns (report, errors).
Produce = Callable[[Loaded], tuple[str, Sequence[ErrorEntry]]]


def run_command(
    command: str,
    files: Sequence[str],
    *,
    minimum: int,
    engine: StrEnum | None,
    fmt: StrEnum | None,
    default: StrEnum,
    output: Path | None,
    keep_going: bool,
    debug: bool,
    produce: Produce,
    overrides: dict[str, object] | None = None,
    quiet: bool = False,
) -> NoReturn:
    """What every command does: settings, format, output check, ingest, engine, then
    ``produce``, then the report and the exit code. ``overrides`` replace settings
    (command-line options such as --no-cache)."""

    def job() -> int:
        settings = load_settings()
        if overrides:
            settings = settings.model_copy(update=overrides)
        configure_logging(settings.log_level, settings.log_format)
        chosen = fmt.value if fmt else format_for(output, default)
        check_output(output)
        articles, errors = _load(
            files, settings, keep_going=keep_going, minimum=minimum, command=command
        )
        eng = engines.get_engine(engine.value if engine else settings.engine, settings)
        with progress_bars(quiet=quiet) as progress:
            text, final_errors = produce(Loaded(settings, articles, eng, errors, chosen, progress))
        emit(text, output, chosen)
        return finish(final_errors)

    with request_context():  # one id for every log line of this run
        execute(job, debug=debug)


def _load(
    files: Sequence[str], settings: Settings, *, keep_going: bool, minimum: int, command: str
) -> tuple[list[Article], list[ErrorEntry]]:
    from api.ingest import inputs

    articles, errors = inputs.load_articles(
        files,
        max_bytes=settings.max_article_bytes,
        keep_going=keep_going,
        stdin=_stdin(files),
        settings=settings,
    )
    for err in errors:
        say("warning", f"{err.source}: {err.message} (skipped)")
    if len(articles) < minimum:
        failed = f"; {len(errors)} input(s) failed" if errors else ""
        noun = "article" if minimum == 1 else "articles"
        raise UsageError(f"{command} needs at least {minimum} {noun}, got {len(articles)}{failed}")
    return articles, errors


def _stdin(files: Sequence[str]) -> BinaryIO | None:
    return getattr(sys.stdin, "buffer", None) if "-" in files else None


def emit(text: str, output: Path | None, fmt: str) -> None:
    """Print the report, or write it to ``output`` atomically."""
    if not text.endswith("\n"):
        text += "\n"
    if output is not None:
        try:
            write_atomic(output, text)
        except OSError as exc:
            raise ParallaxError(f"cannot write: {exc.strerror or exc}", source=str(output)) from exc
        say("note", f"wrote {fmt} report to {output}")
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


def execute(job: Callable[[], int], *, debug: bool) -> NoReturn:
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
    say("error", text or _describe(exc))
    return code


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ParallaxError):
        return f"{exc.source}: {exc.message}" if exc.source else exc.message
    return str(exc)


def say(kind: str, message: str) -> None:
    typer.echo(f"{PROG}: {kind}: {message}", err=True)


def finish(errors: Sequence[ErrorEntry]) -> int:
    """The exit code of a finished command: partial when some inputs failed."""
    if errors:
        say("warning", f"partial result: {len(errors)} error(s), listed in the report (exit 3)")
        return EXIT_PARTIAL
    return EXIT_OK


def load_settings() -> Settings:
    """The settings; an invalid PARALLAX_* variable is a usage error."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"PARALLAX_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise UsageError(f"invalid setting: {problems}") from exc


def format_for(output: Path | None, default: StrEnum) -> str:
    """The --format to use when none was given: from -o's extension if it names one of
    ``default``'s choices, else ``default``."""
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
        if suffix in {c.value for c in type(default)}:
            return suffix
    return default.value


def check_output(path: Path | None) -> None:
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


def write_atomic(path: Path, text: str) -> None:
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
