"""The benchmark's databases: N demo releases from one seed, built once and then reused.

A build runs `migrate`, `load_taxonomy`, `load_organisations` and `seed_demo` in an empty
database, then records the count and seed in a `bench_build` table. A database whose marker
is missing or different is an unfinished or foreign build and is rebuilt; a reused one only gets
the migrations added since. `seed_demo` ends with ANALYZE; on PostgreSQL the build adds
VACUUM ANALYZE, so the visibility map is complete too (index-only scans) instead of whenever
autovacuum gets to it.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
MARKER_DDL = "CREATE TABLE bench_build (release_count bigint NOT NULL, seed bigint NOT NULL)"
MARKER_INSERT = "INSERT INTO bench_build (release_count, seed) VALUES ({0}, {1})"
MARKER_SELECT = "SELECT release_count, seed FROM bench_build"


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass
class BuildReport:
    reused: bool
    seconds: dict[str, float] = field(default_factory=dict)  # step → wall-clock time


class SqliteDatabase:
    engine = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{self.path}"
        self.name = self.path.name

    def sibling(self, suffix: str) -> "SqliteDatabase":
        """Another database of the same kind, beside this one."""
        return SqliteDatabase(self.path.with_name(f"{self.path.stem}-{suffix}.sqlite3"))

    def marker(self) -> tuple[int, int] | None:
        if not self.path.exists():
            return None
        with closing(sqlite3.connect(self.path)) as connection:
            try:
                return connection.execute(MARKER_SELECT).fetchone()
            except sqlite3.OperationalError:  # no marker table: the build never finished
                return None

    def reset(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def finish(self, count: int, seed: int) -> None:
        with closing(sqlite3.connect(self.path)) as connection, connection:
            connection.execute(MARKER_DDL)
            connection.execute(MARKER_INSERT.format(int(count), int(seed)))

    def analyze(self) -> None:
        """Nothing: `seed_demo` ends with ANALYZE itself, as it does for every user."""

    def size_bytes(self) -> int:
        return sum(
            Path(f"{self.path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{self.path}{suffix}").exists()
        )


class PostgresDatabase:
    engine = "postgres"

    def __init__(self, server_url: str, name: str) -> None:
        self.server_url = server_url
        self.name = name
        self.url = urlsplit(server_url)._replace(path=f"/{name}").geturl()

    def sibling(self, suffix: str) -> "PostgresDatabase":
        """Another database of the same kind, on the same server."""
        return PostgresDatabase(self.server_url, f"{self.name}_{suffix}")

    def _server(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self.server_url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            raise BenchError(f"cannot reach PostgreSQL at {self.server_url}: {error}") from None

    def marker(self) -> tuple[int, int] | None:
        with self._server() as server:
            found = server.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
        if not found:
            return None
        with psycopg.connect(self.url, autocommit=True) as connection:
            try:
                return connection.execute(MARKER_SELECT).fetchone()
            except psycopg.errors.UndefinedTable:
                return None

    def reset(self) -> None:
        name = sql.Identifier(self.name)
        with self._server() as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            server.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def finish(self, count: int, seed: int) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(MARKER_DDL)
            connection.execute(MARKER_INSERT.format(int(count), int(seed)))

    def analyze(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    def size_bytes(self) -> int:
        with self._server() as server:
            return server.execute("SELECT pg_database_size(%s)", [self.name]).fetchone()[0]


BenchDatabase = SqliteDatabase | PostgresDatabase


def manage(database_url: str, *args: str, env: dict[str, str], timeout: float = 600) -> str:
    """Run a management command against `database_url` in `env`; its output, or a BenchError
    carrying the end of it when the command fails."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{tail}")
    return result.stdout


# Runs several management commands in one process, saving a Django start-up per command.
COMMANDS_DRIVER = """
import json, sys, time
import django
django.setup()
from django.core.management import call_command
for args in json.loads(sys.argv[1]):
    print("BENCH_STEP", args[0], flush=True)
    started = time.perf_counter()
    call_command(*args)
    print("BENCH_DONE", json.dumps([args[0], round(time.perf_counter() - started, 2)]), flush=True)
"""


def run_commands(
    database_url: str,
    commands: list[list[str]],
    say: Callable[[str], None],
    settings: dict[str, str] | None = None,
) -> dict[str, float]:
    """Run management commands one after the other in one process (development mode unless
    `settings` say otherwise), saying which one is running; each one's wall-clock time (a
    command run again is keyed "<name> (again)"), or a BenchError with the output's end."""
    env = {**os.environ, "DEBUG": "true", "CACHE_DISABLED": "true"}
    env.pop("REDIS_URL", None)
    env.update(settings or {})
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = "osce_cms.settings"
    process = subprocess.Popen(
        [sys.executable, "-c", COMMANDS_DRIVER, json.dumps(commands)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seconds, output = {}, []
    for line in process.stdout:
        output.append(line.rstrip())
        if line.startswith("BENCH_STEP "):
            say(f"  {line.split()[1]}")
        elif line.startswith("BENCH_DONE "):
            step, took = json.loads(line.removeprefix("BENCH_DONE "))
            seconds[f"{step} (again)" if step in seconds else step] = took
    if process.wait():
        tail = "\n".join(output[-15:])
        raise BenchError(f"a management command failed:\n{tail}")
    return seconds


def time_import(
    database: BenchDatabase,
    pages: Path,
    count: int,
    settings: dict[str, str],
    say: Callable[[str], None],
) -> dict[str, float]:
    """Import the `count` pages in `pages` into `database`, emptied and given the taxonomy and
    the organisations first, then once more (every page unchanged), under `settings`: pages
    per second of each."""
    database.reset()
    setup = [["migrate", "--noinput"], ["load_taxonomy"], ["load_organisations"]]
    run_commands(database.url, setup, say)
    once = ["import_pages", str(pages), "--publish", "--verbosity", "0"]
    seconds = run_commands(database.url, [once, once], say, settings)
    first, again = seconds["import_pages"], seconds["import_pages (again)"]
    return {
        "pages": count,
        "first_seconds": first,
        "first_pages_per_second": round(count / first, 1),
        "again_seconds": again,
        "again_pages_per_second": round(count / again, 1),
    }


def prepare(
    database: BenchDatabase,
    count: int,
    seed: int,
    *,
    rebuild: bool,
    say: Callable[[str], None],
) -> BuildReport:
    """Make `database` hold exactly the demo content of (`count`, `seed`), reusing a finished
    build unless `rebuild`."""
    if not rebuild and database.marker() == (count, seed):
        say(f"Reusing {database.name} ({count:,} releases, seed {seed}); applying new migrations")
        run_commands(database.url, [["migrate", "--noinput"]], say)
        database.analyze()
        return BuildReport(reused=True)

    say(f"Building {database.name}: {count:,} releases (1 to 6 minutes per 100,000)")
    database.reset()
    report = BuildReport(reused=False)
    report.seconds = run_commands(
        database.url,
        [
            ["migrate", "--noinput"],
            ["load_taxonomy"],
            ["load_organisations"],
            ["seed_demo", "--count", str(count), "--seed", str(seed)],
        ],
        say,
    )
    started = time.perf_counter()
    database.analyze()
    report.seconds["analyze"] = round(time.perf_counter() - started, 2)
    database.finish(count, seed)
    return report
