"""Bounded closed-loop load against one URL on the loopback, and single requests.

wrk (Debian's package) drives the load when installed: it is written in C and leaves the two
cores to the site. Without it a small threaded client stands in; it competes with the workers
for the CPU, so its figures are lower and the report names the client used. Either stops at a
fixed number of requests or a time limit, whichever comes first.
"""

import http.client
import json
import math
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "load.lua"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors, timeouts and answers outside 2xx/3xx

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 130,
) -> Response:
    """One request on a fresh connection."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return Response(answer.status, answer.headers, answer.read())
    finally:
        connection.close()


def warm_up(
    port: int, path: str, headers: dict[str, str], requests: int, parallel: int, seconds: float
) -> None:
    """Up to `requests` requests from `parallel` threads on fresh connections, for at most about
    `seconds`, so that every worker has served the page before the measurement."""
    deadline = time.monotonic() + seconds

    def loop(share: int) -> None:
        for _ in range(share):
            if time.monotonic() > deadline:
                return
            # A failing page shows in the measurement that follows; here it only stops early.
            try:
                fetch(port, path, headers=headers)
            except (OSError, http.client.HTTPException):
                return

    shares = [requests // parallel + (i < requests % parallel) for i in range(parallel)]
    threads = [threading.Thread(target=loop, args=(share,)) for share in shares if share]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def client_name(preferred: str) -> str:
    if preferred == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if preferred == "wrk" and not shutil.which("wrk"):
        raise FileNotFoundError(
            "wrk is not installed (apt-get install wrk), or use --client python"
        )
    return preferred


def measure(
    client: str,
    port: int,
    path: str,
    *,
    headers: dict[str, str],
    connections: int,
    threads: int,
    seconds: int,
    max_requests: int,
) -> Measurement:
    if client == "wrk":
        return _wrk(port, path, headers, connections, threads, seconds, max_requests)
    return _python(port, path, headers, connections, seconds, max_requests)


def _wrk(
    port: int,
    path: str,
    headers: dict[str, str],
    connections: int,
    threads: int,
    seconds: int,
    max_requests: int,
) -> Measurement:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(LUA_SCRIPT), f"http://{HOST}:{port}{path}", "--"]
    command.append(str(math.ceil(max_requests / threads)))
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            return Measurement(
                requests=data["requests"],
                seconds=data["seconds"],
                p50_ms=data["p50_ms"],
                p95_ms=data["p95_ms"],
                p99_ms=data["p99_ms"],
                max_ms=data["max_ms"],
                errors=data["socket_errors"] + data["non_2xx_3xx"],
            )
    raise subprocess.SubprocessError(f"wrk printed no summary: {result.stdout}{result.stderr}")


def _python(
    port: int,
    path: str,
    headers: dict[str, str],
    connections: int,
    seconds: int,
    max_requests: int,
) -> Measurement:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def loop() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                if len(latencies) + errors >= max_requests:
                    break
            begun = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
                ok = answer.status < 400
                if answer.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
            with lock:
                if ok:
                    latencies.append((time.perf_counter() - begun) * 1000)
                else:
                    errors += 1
        connection.close()

    workers = [threading.Thread(target=loop) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, math.ceil(share * len(latencies)) - 1)]

    return Measurement(
        requests=len(latencies) + errors,
        seconds=elapsed,
        p50_ms=percentile(0.50),
        p95_ms=percentile(0.95),
        p99_ms=percentile(0.99),
        max_ms=latencies[-1] if latencies else 0.0,
        errors=errors,
    )
