"""Two app servers on one PostgreSQL database and one Redis database, as behind a proxy: what
one of them (or an editor's process next to it) changes, the other serves at once."""

from __future__ import annotations

from .cluster import wait_for
from .conftest import RATE_LIMIT


def _titles(answer) -> list[str]:
    assert answer.status == 200, answer.body
    return [item["title"] for item in answer.json()["items"]]


def test_a_script_published_next_to_a_is_served_by_b_api_and_search(shared_cluster, token):
    a, b = shared_cluster.instances
    published = shared_cluster.shell_a("publish", title="桂花拿铁第二杯半价", persona="xiaomei")
    pk = published["id"]

    detail = b.get(f"scripts/{pk}/", token["reader"])  # B never saw it before: straight away
    assert detail.status == 200, detail.body
    assert detail.json()["title"] == "桂花拿铁第二杯半价"
    assert "桂花拿铁第二杯半价" in _titles(b.get("scripts/", token["reader"], persona="xiaomei"))

    # Search: the index update is a queued task (the worker runs it within its poll interval).
    def found_on(instance):
        answer = instance.get("search/", token["searcher"], q="桂花拿铁")
        assert answer.status == 200, answer.body
        return any(item.get("id") == pk for item in answer.json()["items"])

    wait_for(lambda: found_on(b), 30, "the script found by B's search", every=0.5)
    assert found_on(a)


def test_rate_limit_counters_are_shared_by_the_instances(shared_cluster, token):
    a, b = shared_cluster.instances
    statuses = {a.port: [], b.port: []}
    first_refusal = None
    for n in range(RATE_LIMIT + 4):
        instance = (a, b)[n % 2]
        answer = instance.get("personas/", token["limited"])
        statuses[instance.port].append(answer.status)
        if answer.status == 429 and first_refusal is None:
            first_refusal = n
            assert answer.content_type == "application/problem+json"
            assert answer.json()["code"] == "rate_limited"
            assert int(answer.headers["retry-after"]) > 0
        assert answer.status in (200, 429), answer.body
    # Exactly RATE_LIMIT answers in all, though neither instance served that many alone.
    assert first_refusal == RATE_LIMIT, statuses
    assert all(s.count(200) < RATE_LIMIT for s in statuses.values()), statuses
    assert all(s[-1] == 429 for s in statuses.values()), statuses
    # Another client is not affected.
    assert b.get("personas/", token["reader"]).status == 200


def test_a_client_revoked_next_to_a_is_refused_by_b_at_its_next_request(shared_cluster, token):
    a, b = shared_cluster.instances
    # Every worker process of both instances has served (and may have cached) this token.
    for _ in range(4):
        for instance in (a, b):
            assert instance.get("personas/", token["revoked"]).status == 200

    shared_cluster.shell_a.command("bot_client", "revoke", "revoked")

    for _ in range(3):  # whichever worker process answers
        for instance in (b, a):
            answer = instance.get("personas/", token["revoked"])
            assert answer.status == 401, answer.body
            assert answer.content_type == "application/problem+json"
    assert b.get("personas/", token["reader"]).status == 200
