"""PostgreSQL and Redis stopped under two running instances and a worker: a throwaway server
of each on free loopback ports (tests/outages/services.py), never the shared 5432/6379.

- PostgreSQL stopped: every API request of both instances is a 503 problem document with
  Retry-After, /health names `database`; when it is back both serve again, no restart.
- Redis stopped: nothing a bot or an editor does needs it — the rate limit, the failed sign-in
  throttles and the response cache fail open (tests/outages/test_redis_outage.py) — so reads,
  render and events keep working on both instances; /health alone answers 503 naming `cache`.
- Redis frozen (SIGSTOP: it accepts connections and never answers): the same, after a bounded
  wait per request (REDIS_TIMEOUT), instead of requests hanging until gunicorn kills its worker.
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.outages.services import PostgresServer, RedisServer

from .cluster import Cluster, wait_for
from .databases import dump_into


@pytest.fixture(scope="module")
def fault_cluster(system_database):
    postgres, redis = PostgresServer(), RedisServer()
    cluster = None
    try:
        postgres.start()
        redis.start()
        url = f"postgres://postgres@127.0.0.1:{postgres.port}/postgres"
        dump_into(system_database, url)
        cluster = Cluster.start(url, redis.url, workers=1)
        cluster.postgres, cluster.redis = postgres, redis
        cluster.data = cluster.shell_a(
            "setup",
            personas=[{"slug": "outage", "name": "小安"}],
            clients=["outage-bot"],
            scripts=[{"persona": "outage", "title": "停电也能发的会员日话术"}],
        )
        yield cluster
    finally:
        if cluster is not None:
            cluster.stop()
        postgres.cleanup()
        redis.cleanup()


def _problem(answer, status: int = 503) -> dict:
    assert answer.status == status, answer.body
    assert answer.content_type == "application/problem+json", answer.headers
    assert int(answer.headers["retry-after"]) > 0
    doc = answer.json()
    assert doc["status"] == status and "Traceback" not in doc["detail"]
    return doc


def _bot_calls(instance, token, pk):
    """What a bot does: read, search, render, report."""
    return {
        "personas": instance.get("personas/", token),
        "detail": instance.get(f"scripts/{pk}/", token),
        "list": instance.get("scripts/", token),
        "search": instance.get("search/", token, q="会员日"),
        "render": instance.api("POST", f"scripts/{pk}/render", token, body={"variables": {}}),
        "events": instance.api(
            "POST", "events/", token, body={"events": [{"script": pk, "type": "sent"}]}
        ),
    }


#: Reads whose answers, once served, a process can give again from its own copies or Redis
#: while PostgreSQL is down (nothing can change meanwhile); search and events need the database.
KEPT_READS = {"personas", "detail", "list", "render"}


def test_postgres_stopped_both_instances_answer_503_and_recover(fault_cluster):
    token = fault_cluster.data["tokens"]["outage-bot"]
    pk = fault_cluster.data["scripts"]["停电也能发的会员日话术"]
    served = {}
    for instance in fault_cluster.instances:
        assert instance.get(f"scripts/{pk}/", token).status == 200
        served[instance.name] = _bot_calls(instance, token, pk)

    fault_cluster.postgres.stop()
    try:
        for instance in fault_cluster.instances:
            for name, answer in _bot_calls(instance, token, pk).items():
                if name in KEPT_READS and answer.status == 200:
                    # Answered from what the process or Redis kept: the very same answer.
                    assert answer.body == served[instance.name][name].body, name
                else:
                    assert _problem(answer)["code"] == "unavailable", name
            health = _problem(instance.health())
            assert health["checks"]["database"] == "error"
    finally:
        fault_cluster.postgres.start()

    for instance in fault_cluster.instances:  # the same processes: no restart
        wait_for(lambda i=instance: i.health().status == 200, 30, f"{instance.name} healthy")
        for name, answer in _bot_calls(instance, token, pk).items():
            assert answer.status in (200, 202), (name, answer.body)
    # The worker reconnected too: a publish reaches the search index.
    published = fault_cluster.shell_a("publish", title="断网重连后的腊月话术", persona="outage")
    wait_for(
        lambda: any(
            item.get("id") == published["id"]
            for item in fault_cluster.b.get("search/", token, q="腊月").json()["items"]
        ),
        60,
        "the worker indexed a script published after the outage",
        every=1,
    )


def _serves_without_redis(cluster, token, pk):
    for instance in cluster.instances:
        for name, answer in _bot_calls(instance, token, pk).items():
            assert answer.status in (200, 202), (name, answer.body)
        health = _problem(instance.health())
        assert health["checks"]["cache"] == "error"
        assert health["checks"]["database"] == "ok"


def test_redis_stopped_only_health_answers_503_and_both_recover(fault_cluster):
    token = fault_cluster.data["tokens"]["outage-bot"]
    pk = fault_cluster.data["scripts"]["停电也能发的会员日话术"]
    fault_cluster.redis.stop()
    try:
        _serves_without_redis(fault_cluster, token, pk)
    finally:
        fault_cluster.redis.start()
    for instance in fault_cluster.instances:
        wait_for(lambda i=instance: i.health().status == 200, 30, f"{instance.name} healthy")


def test_redis_frozen_requests_wait_a_bounded_time_and_both_recover(fault_cluster):
    token = fault_cluster.data["tokens"]["outage-bot"]
    pk = fault_cluster.data["scripts"]["停电也能发的会员日话术"]
    process = fault_cluster.redis.process
    os.kill(process.pid, signal.SIGSTOP)
    try:
        _serves_without_redis(fault_cluster, token, pk)
    finally:
        os.kill(process.pid, signal.SIGCONT)
    for instance in fault_cluster.instances:
        wait_for(lambda i=instance: i.health().status == 200, 30, f"{instance.name} healthy")
