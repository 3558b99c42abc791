"""Benchmark the public site and the admin on a demo database of N releases.

    python bench/run.py --db sqlite|postgres --count 100000 [--seed 1] [--quick]

Builds (or reuses) the database, serves the site under gunicorn with production settings on
the loopback, and measures every page twice: with every cache off, then warm (Redis shared by
the workers). Writes bench/results/<db>-<count>-<time>.json and bench/results/latest-<db>.md and
prints the table. Exit status 0 when the table was written, 1 when the run could not go on,
2 for bad options. See bench/README.md.
"""

import argparse
import dataclasses
import datetime as dt
import http.client
import json
import math
import os
import platform
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402  (the project root must be importable first)
from bench.database import (  # noqa: E402
    BenchDatabase,
    BenchError,
    PostgresDatabase,
    SqliteDatabase,
    manage,
    prepare,
    time_import,
)
from bench.pages import write_pages  # noqa: E402
from bench.report import markdown  # noqa: E402
from bench.server import Gunicorn, production_env  # noqa: E402
from bench.targets import (  # noqa: E402
    ADMIN_USERNAME,
    BASELINE,
    DEEP,
    DEEP_PAGE,
    KEYS,
    Picks,
    Target,
    deepest_page,
    log_in,
    pick_targets,
)

QUICK_COUNT = 300
IMPORT_PAGES = 500
QUICK_IMPORT_PAGES = 20
QUICK_KEYS = {BASELINE, "listing-search-facets", "release", "admin"}
MODES = ("uncached", "warm")
DRAIN_LIMIT = 120  # seconds; gunicorn's worker timeout


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, help="releases to seed (default 100000; quick 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help="small database, 1 s per page, a few pages (CI)"
    )
    parser.add_argument("--duration", type=int, help="seconds per page (default 10; quick 1)")
    parser.add_argument(
        "--max-duration", type=int, help="seconds for a slow page (default 60; quick --duration)"
    )
    parser.add_argument("--requests", type=int, default=50_000, help="request cap per page")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="load-generator threads")
    parser.add_argument("--warmup", type=int, help="requests before each page (default 40; 8)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--worker-threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--only", action="append", choices=KEYS, help="measure only this page (repeatable)"
    )
    parser.add_argument(
        "--import-pages",
        type=int,
        help=f"pages to time import_pages with (default {IMPORT_PAGES}; quick "
        f"{QUICK_IMPORT_PAGES}; 0 skips it)",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--pg-name", help="PostgreSQL database (default osce_bench_<N>_<seed>)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    args.count = args.count or (QUICK_COUNT if args.quick else 100_000)
    args.duration = args.duration or (1 if args.quick else 10)
    args.max_duration = max(
        args.duration, args.max_duration or (args.duration if args.quick else 60)
    )
    args.warmup = args.warmup if args.warmup is not None else (8 if args.quick else 40)
    if args.import_pages is None:
        args.import_pages = QUICK_IMPORT_PAGES if args.quick else IMPORT_PAGES
    if args.import_pages < 0:
        parser.error("--import-pages cannot be negative")
    for name in ("count", "duration", "requests", "connections", "threads", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.threads > args.connections:
        parser.error("--threads cannot exceed --connections")
    try:
        args.client = load.client_name(args.client)
    except FileNotFoundError as error:
        parser.error(str(error))
    return args


def say(message: str) -> None:
    print(message, flush=True)


def chosen(args: argparse.Namespace, targets: list[Target]) -> list[Target]:
    keys = set(args.only or KEYS) & (QUICK_KEYS if args.quick else set(KEYS))
    return [target for target in targets if target.key in keys | {BASELINE}]


def setup_django(
    database: BenchDatabase, static_root: Path, pages: Path, page_count: int
) -> tuple[Picks, int]:
    """The targets, picked by the ORM in this process (development settings, no cache), and
    the pages for timing the import, written from the database; how many were written."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="osce_cms.settings",
        DEBUG="true",
        DATABASE_URL=database.url,
        CACHE_DISABLED="true",
        STATIC_ROOT=str(static_root),
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.db import connections

    try:
        return pick_targets(), write_pages(pages, page_count) if page_count else 0
    finally:
        connections.close_all()


def shared_cache(redis_url: str) -> str:
    """The warm runs' cache: Redis, flushed; the local-memory cache when Redis is down."""
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        say(f"Redis unreachable ({error}); warm runs use each worker's local-memory cache")
        return "locmem"
    return redis_url


def measure_target(
    args: argparse.Namespace, server: Gunicorn, path: str, headers: dict[str, str], *, warm: bool
) -> dict[str, Any]:
    """One page's figures, or its error. The first request checks the status (and, warm, fills
    the cache); a page slower than a second skips the warm-up and is measured for longer, up
    to --max-duration, so that it still completes a few requests."""
    started = time.perf_counter()
    probe = load.fetch(server.port, path, headers=headers)
    alone = time.perf_counter() - started
    if probe.status != 200:
        return {"status": probe.status, "error": f"HTTP {probe.status}"}
    if alone < 1:
        load.warm_up(server.port, path, headers, args.warmup, args.connections, args.duration / 4)
    seconds = min(args.max_duration, max(args.duration, math.ceil(4 * alone)))
    server.reset_peak_memory()
    result = load.measure(
        args.client,
        server.port,
        path,
        headers=headers,
        connections=args.connections,
        threads=args.threads,
        seconds=seconds,
        max_requests=args.requests,
    )
    # The load generator stops with requests in flight, which the workers still finish; let
    # them, or they would slow the next page down.
    time.sleep(min(DRAIN_LIMIT, max(result.max_ms / 1000, alone)))
    if not result.requests:
        return {
            "status": probe.status,
            "error": f"no answer within {seconds} s (one request alone: {alone:.1f} s)",
        }
    # Counted after the run: a worker's first request pays once-per-process queries, and a
    # warm page's first one fills the cache. A slow uncached page is not asked twice.
    after = probe if alone >= 1 and not warm else load.fetch(server.port, path, headers=headers)
    return {
        "status": after.status,
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 2),
        "p95_ms": round(result.p95_ms, 2),
        "p99_ms": round(result.p99_ms, 2),
        "max_ms": round(result.max_ms, 2),
        "errors": result.errors,
        "queries": int(after.headers.get("X-Query-Count", -1)),
        "peak_mb": server.peak_memory_mb(),
    }


def run_mode(
    args: argparse.Namespace, mode: str, env: dict[str, str], targets: list[Target], password: str
) -> tuple[dict[str, dict[str, Any]], list[Target]]:
    """Every target measured on one gunicorn; the targets come back with the deep page
    resolved to a page that exists."""
    log = args.work_dir / f"gunicorn-{args.db}-{mode}.log"
    results: dict[str, dict[str, Any]] = {}
    resolved = []
    with Gunicorn(env, args.workers, args.worker_class, args.worker_threads, log) as server:
        session = None
        if any(target.admin for target in targets):
            session = log_in(server.port, ADMIN_USERNAME, password)
        for target in targets:
            if target.key == DEEP:
                target = dataclasses.replace(
                    target, path=deepest_page(server.port, target.path, DEEP_PAGE)
                )
            resolved.append(target)
            if not target.path:
                result = {"status": 0, "error": "nothing to request"}
            elif target.admin and session is None:
                result = {"status": 0, "error": "admin login failed"}
            else:
                headers = {"Cookie": session} if target.admin else {}
                try:
                    result = measure_target(args, server, target.path, headers, warm=mode == "warm")
                except (OSError, http.client.HTTPException, subprocess.SubprocessError) as error:
                    result = {"status": 0, "error": f"failed: {error}"}
            results[target.key] = result
            figures = (
                result["error"]
                if "error" in result
                else f"{result['rps']:8.1f} req/s  p95 {result['p95_ms']:7.1f} ms  "
                f"{result['queries']:3} queries"
            )
            say(f"  {mode:8} {target.name:30} {figures}")
    return results, resolved


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    return f"{os.cpu_count()} × {model}, Python {platform.python_version()}"


def client_version(client: str) -> str:
    if client != "wrk":
        return "Python threads (http.client)"
    banner = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (banner.stdout or banner.stderr).split("Copyright")[0].strip()


def assemble(
    args: argparse.Namespace,
    database: BenchDatabase,
    by_mode: dict[str, dict[str, dict[str, Any]]],
    targets: list[Target],
    **meta: Any,
) -> dict[str, Any]:
    """The results document: run metadata, then each target with both modes, its throughput
    set against the baseline's of the same mode."""
    for results in by_mode.values():
        base = results.get(BASELINE, {}).get("rps")
        for result in results.values():
            if "rps" in result:
                result["ratio"] = round(result["rps"] / base, 3) if base else 0.0
    threads = f" ({args.worker_threads} threads)" if args.worker_class == "gthread" else ""
    return {
        "meta": {
            "database": args.db,
            "database_label": "SQLite" if args.db == "sqlite" else "PostgreSQL",
            "database_name": database.name,
            "database_bytes": database.size_bytes(),
            "count": args.count,
            "seed": args.seed,
            "quick": args.quick,
            "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "server": f"gunicorn {args.workers} × {args.worker_class} workers{threads}, "
            "DEBUG off, whitenoise, persistent DB connections",
            "load": f"{client_version(args.client)}, {args.threads} threads × "
            f"{args.connections} connections, {args.duration} s or {args.requests:,} requests "
            f"per page after {args.warmup} warm-up requests",
            "machine": machine(),
            **meta,
        },
        "targets": [
            {
                **dataclasses.asdict(target),
                **{mode: by_mode[mode][target.key] for mode in MODES},
            }
            for target in targets
        ],
    }


def write(args: argparse.Namespace, results: dict[str, Any]) -> Path:
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    json_path = args.results_dir / f"{args.db}-{args.count}-{stamp}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    table = markdown(results)
    (args.results_dir / f"latest-{args.db}.md").write_text(table)
    say("")
    say(table)
    return json_path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` unwinds like Ctrl-C, so gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.perf_counter()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    static_root = args.work_dir / "static"
    database: BenchDatabase = (
        SqliteDatabase(args.work_dir / f"sqlite-{args.count}-{args.seed}.sqlite3")
        if args.db == "sqlite"
        else PostgresDatabase(args.pg_url, args.pg_name or f"osce_bench_{args.count}_{args.seed}")
    )
    secret_key = secrets.token_urlsafe(50)
    try:
        build = prepare(database, args.count, args.seed, rebuild=args.rebuild, say=say)
        if args.build_only:
            size = database.size_bytes() / 2**20
            say(f"{database.name}: {size:,.0f} MiB; build steps in seconds: {build.seconds}")
            return 0
        say("Collecting static files")
        manage(
            database.url,
            "collectstatic",
            "--noinput",
            env=production_env(database.url, static_root, secret_key, None),
        )
        pages = args.work_dir / f"pages-{args.db}"
        picks, page_count = setup_django(database, static_root, pages, args.import_pages)
        targets = chosen(args, picks.targets)
        load_average = {"start": os.getloadavg()[0]}
        if load_average["start"] > 0.5:
            say(f"warning: load average {load_average['start']:.2f}: other work will show")
        by_mode = {}
        for mode in MODES:
            cache = None if mode == "uncached" else shared_cache(args.redis_url)
            say(f"Measuring {mode} ({'cache off' if cache is None else cache})")
            env = production_env(database.url, static_root, secret_key, cache)
            by_mode[mode], targets = run_mode(args, mode, env, targets, picks.admin_password)
        warm_cache = "Redis" if cache != "locmem" else "each worker's memory (no Redis)"
        imported = None
        if page_count:
            say(f"Timing import_pages: {page_count} pages into an empty database, twice")
            imported = time_import(
                database.sibling("import"),
                pages,
                page_count,
                production_env(database.url, static_root, secret_key, None),
                say,
            )
        load_average["end"] = os.getloadavg()[0]
    except BenchError as error:
        say(f"error: {error}")
        return 1
    results = assemble(
        args,
        database,
        by_mode,
        targets,
        warm_cache=warm_cache,
        import_pages=imported,
        load_average=load_average,
        build={"reused": build.reused, "seconds": build.seconds},
        total_seconds=round(time.perf_counter() - started, 1),
    )
    json_path = write(args, results)
    say(f"Results: {json_path} ({results['meta']['total_seconds']} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
