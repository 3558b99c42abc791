"""Production settings: refuse to start without secrets, and pass Django's deploy checks."""

import os
import subprocess
import sys

import pytest

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-that-is-long-enough-and-random-7d9f0a8e6b5c4d3e2f1a0b9c8d7e",
    "ALLOWED_HOSTS": "newsroom.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "SECURE_HSTS_PRELOAD": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Drop what the test run itself sets (DEBUG, the async-unsafe switch for Playwright).
    dropped = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS is not set"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", **env)

    assert result.returncode == 1
    assert message in result.stderr


def test_a_malformed_boolean_is_refused():
    result = manage("check", **{**PRODUCTION, "DEBUG": "maybe"})

    assert result.returncode == 1
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


PROBE_DATABASE_OPTIONS = (
    "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS']['options'])"
)


def probe_postgres_options(**env: str) -> subprocess.CompletedProcess:
    url = {
        "DATABASE_URL": "postgres://newsroom@127.0.0.1:5432/newsroom?options=-c%20work_mem%3D8MB"
    }
    return manage(
        "shell", "--no-imports", "-c", PROBE_DATABASE_OPTIONS, **{**PRODUCTION, **url, **env}
    )


def test_postgresql_sessions_price_index_reads_for_ssds_keeping_the_urls_options():
    result = probe_postgres_options()

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "-c work_mem=8MB -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
    )


def test_the_page_cost_is_configurable_and_checked():
    assert probe_postgres_options(DATABASE_RANDOM_PAGE_COST="2").stdout.strip() == (
        "-c work_mem=8MB -c random_page_cost=2.0 -c max_parallel_workers_per_gather=0"
    )
    refused = probe_postgres_options(DATABASE_RANDOM_PAGE_COST="cheap")
    assert refused.returncode == 1
    assert "DATABASE_RANDOM_PAGE_COST must be a number, not 'cheap'." in refused.stderr


def test_parallel_plans_are_off_unless_configured_and_checked():
    assert probe_postgres_options(DATABASE_PARALLEL_WORKERS="2").stdout.strip() == (
        "-c work_mem=8MB -c random_page_cost=1.1 -c max_parallel_workers_per_gather=2"
    )
    for value, message in [
        ("many", "DATABASE_PARALLEL_WORKERS must be a whole number, not 'many'."),
        ("-1", "DATABASE_PARALLEL_WORKERS must be 0 or more."),
    ]:
        refused = probe_postgres_options(DATABASE_PARALLEL_WORKERS=value)
        assert refused.returncode == 1
        assert message in refused.stderr
