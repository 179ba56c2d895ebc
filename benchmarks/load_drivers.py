"""Load drivers for benchmarks/load.py: wrk when installed, else a Python thread pool.

Both keep `connections` requests in flight for a fixed time and report requests a second and
the 50th and 95th percentile latency, so the figures from either driver read the same way.
"""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

USER_AGENT = "wres-load-benchmark"

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p95_ms": %f, '
    .. '"errors": %d}\\n', summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass(frozen=True)
class Target:
    """One page to load: GET, or POST with a form body."""

    name: str
    path: str
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)
    cookie: str = ""
    read_page: bool = True


@dataclass(frozen=True)
class Measured:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def pick_driver(name: str) -> str:
    """'wrk' when asked for (or 'auto' and wrk is installed), else 'python'."""
    if name == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if name == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk); use --driver python")
    return name


def run(driver: str, base: str, target: Target, seconds: int, connections: int) -> Measured:
    """Load `target` for `seconds` with `connections` requests in flight."""
    if driver == "wrk":
        return _run_wrk(base, target, seconds, connections)
    return _run_python(base, target, seconds, connections)


def _run_wrk(base: str, target: Target, seconds: int, connections: int) -> Measured:
    script = WRK_REPORT
    if target.method == "POST":
        body = urllib.parse.urlencode(target.form, doseq=True)
        script = (f'wrk.method = "POST"\nwrk.body = "{body}"\n'
                  'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' + script)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    headers = ["-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {target.cookie}"] if target.cookie else [])
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s",
               "-s", handle.name, *headers, base + target.path]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    Path(handle.name).unlink()
    line = next((line for line in done.stdout.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {target.name}:\n{done.stdout}\n{done.stderr}")
    return Measured(**json.loads(line[len("RESULT "):]))


def _run_python(base: str, target: Target, seconds: int, connections: int) -> Measured:
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    body = urllib.parse.urlencode(target.form, doseq=True).encode() if target.method == "POST" else None
    headers = {"User-Agent": USER_AGENT, **({"Cookie": target.cookie} if target.cookie else {}),
               **({"Content-Type": "application/x-www-form-urlencoded"} if body else {})}
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=30)
                connection.request(target.method, target.path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                failed += response.status >= 400
            except OSError:
                failed += 1
                continue
            mine.append((time.monotonic() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies) or [0.0]
    return Measured(len(latencies), time.monotonic() - started, _percentile(ordered, 50), _percentile(ordered, 95),
                    errors[0])


def _percentile(ordered: list[float], percent: int) -> float:
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]
