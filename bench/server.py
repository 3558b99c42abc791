"""The site under gunicorn on the loopback, configured as in production."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .database import ROOT, BenchError
from .load import fetch

READY_PATH = "/__bench__/baseline/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(
    database_url: str, static_root: Path, secret_key: str, cache_url: str | None
) -> dict[str, str]:
    """Production settings (DEBUG off, hashed static files served by whitenoise, persistent
    database connections) minus HTTPS, which the loopback does not have. `cache_url` None
    turns every cache off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CACHE_DISABLED", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="600",
        STATIC_ROOT=str(static_root),
        PLAIN_STATIC_FILES="false",
        BENCHMARK="true",
        LOG_LEVEL="WARNING",
    )
    if cache_url is None:
        env["CACHE_DISABLED"] = "true"
    elif cache_url != "locmem":
        env.update(REDIS_URL=cache_url, CACHE_KEY_PREFIX="osce_bench")
    return env


class Gunicorn:
    """gunicorn serving osce_cms.wsgi; use as a context manager so it always stops."""

    def __init__(
        self, env: dict[str, str], workers: int, worker_class: str, threads: int, log: Path
    ) -> None:
        self.port = free_port()
        self.env = env
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "osce_cms.wsgi",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            f"--worker-class={worker_class}",
            f"--threads={threads}",
            "--timeout=120",
            "--no-control-socket",
        ]
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited at start:\n{self._log_tail()}")
            try:
                status = fetch(self.port, READY_PATH, timeout=5).status
            except OSError:
                status = None
            else:
                last = f"HTTP {status}"
            if status == 200 and len(self.worker_pids()) == self.workers:
                return
            time.sleep(0.2)
        self.stop()
        raise BenchError(
            f"gunicorn was not ready within {timeout:.0f} s ({READY_PATH}: {last}); "
            f"the end of {self.log}:\n{self._log_tail()}"
        )

    def _log_tail(self, lines: int = 12) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(child) for child in children.read_text().split()] if children.exists() else []

    def reset_peak_memory(self) -> None:
        """Restart each worker's peak-RSS count (Linux: `5` into clear_refs), so the next
        reading covers one target only."""
        for pid in self.worker_pids():
            # Where this is not permitted, the reading covers the run so far.
            with contextlib.suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def peak_memory_mb(self) -> float:
        """The largest peak resident set (VmHWM) over the workers, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks, default=0.0), 1)
