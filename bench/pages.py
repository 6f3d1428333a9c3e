"""Timing one admin page with Django's test client: shared by the admin page benches."""

from __future__ import annotations

import time


def time_page(client, url: str, runs: int, profile: bool, what: str):
    """(milliseconds per run, queries of one more request, the last response) of GET `url`
    after one warm-up; SystemExit when it does not answer 200. With `profile`, prints a
    cProfile of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{what} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, url)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return timings, queries, response
