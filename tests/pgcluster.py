"""A throwaway PostgreSQL cluster for the tests: Debian's ``postgresql`` binaries,
``initdb`` and ``pg_ctl`` in a temporary folder, on a free loopback port.

PostgreSQL refuses to run as root, so when the tests run as root the cluster is made
and run by the ``postgres`` user (the package creates it), in a folder that user
owns. Each test gets its own database (``database()``), so tests never see each
other's rows. When the binaries are missing, ``unavailable()`` says why and the
tests that need them are skipped with that reason.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.serverproc import free_port

SETTINGS = (
    # Durability is not what these tests measure; speed is what the suite needs.
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    " -c max_connections=300 -c listen_addresses=127.0.0.1"
)


def bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def unavailable() -> str | None:
    """Why a cluster cannot be started here, or None."""
    if bin_dir() is None:
        return "PostgreSQL is not installed (apt-get install -y postgresql; .ci/run installs it)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root, and runuser is missing to run PostgreSQL as 'postgres'"
    return None


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.data = root / "data"
        self.port = port
        self.log = root / "server.log"

    def _run(self, tool: str, *args: str) -> None:
        bindir = bin_dir()
        assert bindir is not None
        command = [str(bindir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} {SETTINGS}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def database(self) -> str:
        """A new empty database; its URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}".encode())
        return self.url(name)


@contextmanager
def cluster() -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="parallax-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        pg = Cluster(root, free_port())
        pg.init()
        pg.start()
        try:
            yield pg
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):  # a test stopped it
                pg.stop("immediate")
    finally:
        shutil.rmtree(root, ignore_errors=True)
