"""The benchmark's instrumentation, and `bench/run.py --quick` end to end (structure only,
never a timing: the figures depend on the machine)."""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from osce_cms import benchmark
from pressreleases.models import PressRelease

ROOT = Path(__file__).resolve().parent.parent
QUICK_PAGES = ["baseline", "listing, search + two facets", "release", "admin change list"]
MEASURED = {"requests", "seconds", "rps", "p50_ms", "p95_ms", "p99_ms", "queries", "peak_mb"}

SETTINGS_PROBE = """
import json
import django
from django.conf import settings
from django.urls import Resolver404, resolve
django.setup()
try:
    baseline = resolve("/__bench__/baseline/").func.__name__
except Resolver404:
    baseline = None
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "first_middleware": settings.MIDDLEWARE[0],
    "baseline": baseline,
}))
"""


def probe_settings(**env: str) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"BENCHMARK", "CACHE_DISABLED", "REDIS_URL"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "osce_cms.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_benchmark_mode_adds_the_query_counter_first_and_the_baseline_route():
    assert probe_settings(BENCHMARK="true") == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "first_middleware": "osce_cms.benchmark.QueryCountMiddleware",
        "baseline": "baseline",
    }


def test_without_benchmark_mode_there_is_no_counter_and_no_baseline_route():
    assert probe_settings() == {
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "first_middleware": "django.middleware.security.SecurityMiddleware",
        "baseline": None,
    }


def test_cache_disabled_overrides_redis():
    settings = probe_settings(CACHE_DISABLED="true", REDIS_URL="redis://127.0.0.1:6379/0")

    assert settings["cache"] == "django.core.cache.backends.dummy.DummyCache"


@pytest.mark.django_db
def test_query_count_header_counts_every_query_of_the_request():
    def view(request):
        for _ in range(3):
            PressRelease.objects.count()
        return HttpResponse("ok")

    response = benchmark.QueryCountMiddleware(view)(RequestFactory().get("/"))

    assert response["X-Query-Count"] == "3"


@pytest.mark.django_db
def test_baseline_page_renders_the_site_chrome_without_queries(taxonomy, django_assert_num_queries):
    benchmark._navigation.cache_clear()
    request = RequestFactory().get("/__bench__/baseline/")
    benchmark.baseline(request)  # builds the worker's navigation once

    with django_assert_num_queries(0):
        response = benchmark.baseline(request)

    assert response.status_code == 200
    assert b"<h1>Baseline</h1>" in response.content
    assert b'href="/fields-of-work/migration/"' in response.content
    benchmark._navigation.cache_clear()


@pytest.fixture
def bench_database_args():
    """The quick run's database options: PostgreSQL in its own databases when the suite runs
    on PostgreSQL (dropped afterwards), else SQLite under the test's temporary folder."""
    if connection.vendor != "postgresql":
        yield ["--db", "sqlite"]
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    server_url = url._replace(path="/postgres").geturl()
    name = f"osce_bench_smoke_{url.path.lstrip('/')}"
    yield ["--db", "postgres", "--pg-url", server_url, "--pg-name", name, "--rebuild"]
    with psycopg.connect(server_url, autocommit=True) as server:
        for database in (name, f"{name}_import"):  # the import is timed in the second one
            server.execute(
                psycopg.sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    psycopg.sql.Identifier(database)
                )
            )


IMPORTED = (
    "SELECT COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM pressreleases_quote q "
    "WHERE q.release_id = r.id) THEN 1 ELSE 0 END) "
    "FROM pressreleases_pressrelease r WHERE r.status = 'published'"
)


def imported_releases(engine: str, args: list[str], work_dir: Path) -> tuple[int, int]:
    """(published releases, those with quotes) in the database the import was timed in."""
    if engine == "sqlite":
        with closing(sqlite3.connect(work_dir / "sqlite-300-1-import.sqlite3")) as database:
            releases, quoted = database.execute(IMPORTED).fetchone()
    else:
        server_url, name = args[args.index("--pg-url") + 1], args[args.index("--pg-name") + 1]
        url = urlsplit(server_url)._replace(path=f"/{name}_import").geturl()
        with psycopg.connect(url) as database:
            releases, quoted = database.execute(IMPORTED).fetchone()
    return releases, quoted


def test_quick_benchmark_completes_and_writes_json_and_table(tmp_path, bench_database_args):
    results = tmp_path / "results"
    engine = bench_database_args[1]

    run = subprocess.run(
        [
            sys.executable,
            "bench/run.py",
            "--quick",
            *bench_database_args,
            "--work-dir",
            str(tmp_path / "work"),
            "--results-dir",
            str(results),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stdout + run.stderr
    [json_file] = results.glob(f"{engine}-300-*.json")
    data = json.loads(json_file.read_text())
    assert data["meta"]["count"] == 300
    assert data["meta"]["database"] == engine
    assert [target["name"] for target in data["targets"]] == QUICK_PAGES
    for target in data["targets"]:
        for mode in ("uncached", "warm"):
            result = target[mode]
            assert "error" in result or result.keys() >= MEASURED, (target["name"], mode)
    baseline = data["targets"][0]
    assert baseline["uncached"]["queries"] == baseline["warm"]["queries"] == 0
    assert baseline["uncached"]["ratio"] == baseline["warm"]["ratio"] == 1.0
    table = (results / f"latest-{engine}.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| page | uncached req/s |")
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows[1:]] == QUICK_PAGES
    imported = data["meta"]["import_pages"]
    assert imported["pages"] == 20
    assert imported_releases(engine, bench_database_args, tmp_path / "work") == (20, 20)
    assert "import_pages, 20 pages into an empty database:" in table
    assert table in run.stdout
