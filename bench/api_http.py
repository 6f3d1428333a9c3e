"""bench/api.py's load generator: HTTP/1.1 with one connection per request (gunicorn's sync
workers close each one), the CPU samples of /proc, and a target's rounds summed up."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# HTTP, one connection per request ------------------------------------------------------------
class Target:
    """One request, sent over and over; "{n}" in its path becomes the request's number (six
    digits), so every request of the target asks something new."""

    def __init__(self, key, name, path, *, method="GET", headers=None, body=b"", expect=200):
        self.key, self.name, self.path, self.expect = key, name, path, expect
        lines = [f"{method} {path} HTTP/1.1", "Host: {host}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        self.template = ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def request(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        return await reader.read()  # the server closes the connection
    finally:
        writer.close()


def parse(response: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _sep, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def fetch(port: int, target: Target) -> tuple[int, dict[str, str], bytes]:
    raw = target.template.replace(b"{host}", f"127.0.0.1:{port}".encode())
    return parse(asyncio.run(request(port, raw.replace(b"{n}", b"000000"))))


def busy_cpu() -> float:
    """Seconds of CPU time the whole machine has spent busy since boot (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def worker_cpu(master: int) -> float:
    """User + system seconds so far of the gunicorn master's children (the workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def cpu_sample(master: int) -> tuple[float, float, float, float]:
    """(wall, gunicorn workers, this process, whole machine) seconds."""
    return time.perf_counter(), worker_cpu(master), time.process_time(), busy_cpu()


async def load(port: int, master: int, target: Target, args) -> dict:
    """Keep args.concurrency requests in flight; latencies and outcomes of the requests started
    in the measured window, CPU samples at its start and end."""
    raw = target.template.replace(b"{host}", f"127.0.0.1:{port}".encode())
    loop = asyncio.get_running_loop()
    measure_from = loop.time() + args.warmup
    until = measure_from + args.duration
    latencies: list[float] = []
    outcomes: Counter = Counter()
    samples = []

    numbered = b"{n}" in raw
    sent = 0

    async def client():
        nonlocal sent
        while (start := loop.time()) < until:
            sent += 1
            this = raw.replace(b"{n}", b"%06d" % (sent % 1_000_000)) if numbered else raw
            try:
                response = await request(port, this)
                status = int(response[9:12]) if response[:5] == b"HTTP/" else "no answer"
            except OSError as error:
                status = type(error).__name__
            if start >= measure_from:
                latencies.append(loop.time() - start)
                outcomes[status] += 1

    async def sampler():
        for moment in (measure_from, until):
            await asyncio.sleep(moment - loop.time())
            samples.append(cpu_sample(master))

    await asyncio.gather(sampler(), *(client() for _ in range(args.concurrency)))
    return {"latencies": latencies, "outcomes": outcomes, "samples": samples}


def measure(target: Target, port: int, master: int, args) -> dict:
    """One target for one round: checked first, then loaded."""
    status, _headers, body = fetch(port, target)
    if status != target.expect:
        raise SystemExit(f"{target.name}: {status} instead of {target.expect}: {body[:300]!r}")
    result = asyncio.run(load(port, master, target, args))
    result["bytes"] = len(body)
    return result


def summarise(target: Target, results: list[dict]) -> dict:
    """A target's rounds together: all latencies, all outcomes, CPU summed over the windows."""
    latencies = sorted(x for result in results for x in result["latencies"])
    outcomes = sum((result["outcomes"] for result in results), Counter())
    done = len(latencies)
    wall = server = client = other = 0.0
    for result in results:
        (wall0, server0, client0, busy0), (wall1, server1, client1, busy1) = result["samples"]
        wall += wall1 - wall0
        server += server1 - server0
        client += client1 - client0
        other += max(0.0, (busy1 - busy0) - (server1 - server0) - (client1 - client0))
    return {
        "key": target.key,
        "target": target.name,
        "status": target.expect,
        "rps": done / wall,
        "p50": latencies[done // 2] * 1000,
        "p99": latencies[min(done - 1, int(done * 0.99))] * 1000,
        "unexpected": {str(k): v for k, v in outcomes.items() if k != target.expect},
        "bytes": results[0]["bytes"],
        "server_cpu_ms": server / done * 1000,
        "client_cores": client / wall,
        "other_cores": other / wall,
    }
