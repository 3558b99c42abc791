"""The benchmark's results as a Markdown table, with the issue's goals checked per page."""

from typing import Any

MODES = ("uncached", "warm")
UNCACHED_P95_MS = 150  # every public page, uncached
ADMIN_P95_MS = 300
LISTING_MIN_RATIO = 1 / 3  # the listing's uncached throughput against the baseline's
WARM_MIN_RATIO = 0.70  # every public page, warm
SEED_MAX_SECONDS = 180  # seed_demo --count 100000
IMPORT_MIN_PAGES_PER_SECOND = 50


def misses(target: dict[str, Any]) -> list[str]:
    """The goals of issue 7 this target's figures miss."""
    found = []
    uncached, warm = target["uncached"], target["warm"]
    for mode, result in (("uncached", uncached), ("warm", warm)):
        if "error" in result:
            found.append(f"{mode}: {result['error']}")
        elif result["errors"]:
            found.append(f"{mode}: {result['errors']} failed requests")
        elif target["admin"] and result["p95_ms"] > ADMIN_P95_MS:
            found.append(f"{mode} p95 > {ADMIN_P95_MS} ms")
    if not target["public"]:
        return found
    if uncached.get("p95_ms", 0) > UNCACHED_P95_MS:
        found.append(f"uncached p95 > {UNCACHED_P95_MS} ms")
    if target["key"].startswith("listing") and uncached.get("ratio", 1) < LISTING_MIN_RATIO:
        found.append("uncached < ⅓ baseline")
    if warm.get("ratio", 1) < WARM_MIN_RATIO:
        found.append(f"warm < {WARM_MIN_RATIO:.0%} baseline")
    return found


def _cells(result: dict[str, Any]) -> list[str]:
    if "error" in result:
        return [result["error"], "", "", "", "", ""]
    return [
        f"{result['rps']:,.1f}" if result["rps"] < 10 else f"{result['rps']:,.0f}",
        f"{result['p50_ms']:.1f}",
        f"{result['p95_ms']:.1f}",
        f"{result['p99_ms']:.1f}",
        f"{result['ratio']:.2f}",
        str(result["queries"]),
    ]


def markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    lines = [
        f"### {meta['database_label']}, {meta['count']:,} releases (seed {meta['seed']}), "
        f"{meta['finished_at']}",
        "",
        f"{meta['server']}; warm cache: {meta['warm_cache']}; load: {meta['load']}; "
        f"{meta['machine']}; load average "
        f"{meta['load_average']['start']:.2f} at the start, {meta['load_average']['end']:.2f} "
        "at the end.",
        "Latencies in ms; × base: throughput over the baseline page's in the same mode; "
        "SQL: queries per request (X-Query-Count); memory: the workers' peak RSS (VmHWM).",
        "",
        "| page | uncached req/s | p50 | p95 | p99 | × base | SQL "
        "| warm req/s | p50 | p95 | p99 | × base | SQL | MiB | goals |",
        "|---|" + "---:|" * 13 + "---|",
    ]
    for target in results["targets"]:
        memory = max(target[mode].get("peak_mb", 0) for mode in MODES)
        missed = misses(target)
        row = [
            target["name"],
            *_cells(target["uncached"]),
            *_cells(target["warm"]),
            f"{memory:.0f}" if memory else "",
            "; ".join(missed) if missed else ("ok" if target["public"] or target["admin"] else ""),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", *_commands(meta), "Addresses:", ""]
    for target in results["targets"]:
        note = f" ({target['note']})" if target["note"] else ""
        lines.append(f"- {target['name']}: `{target['path']}`{note}")
    return "\n".join(lines) + "\n"


def _goal(met: bool) -> str:
    return "ok" if met else "goal missed"


def _commands(meta: dict[str, Any]) -> list[str]:
    """Lines on the data commands' speed: the database build (when this run built it) and the
    page import."""
    lines = []
    build = meta["build"]
    if not build["reused"]:
        steps = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in build["seconds"].items())
        seed = build["seconds"].get("seed_demo")
        goal = ""
        if seed is not None and meta["count"] >= 100_000:
            goal = f" (seed_demo under {SEED_MAX_SECONDS} s: {_goal(seed < SEED_MAX_SECONDS)})"
        lines += [f"Database built in this run: {steps}{goal}.", ""]
    imported = meta.get("import_pages")
    if imported:
        rate = imported["first_pages_per_second"]
        lines += [
            f"import_pages, {imported['pages']} pages into an empty database: "
            f"{rate:,.1f} pages/s ({imported['first_seconds']:.1f} s; at least "
            f"{IMPORT_MIN_PAGES_PER_SECOND}: {_goal(rate >= IMPORT_MIN_PAGES_PER_SECOND)}); "
            f"the same pages again, all unchanged: {imported['again_pages_per_second']:,.1f} "
            f"pages/s.",
            "",
        ]
    return lines
