"""Two editors publishing the same script or persona at once: the last publish wins and is live,
and the newest revision is never lost (neither live nor pending). Hardening issue, item 13.

Real concurrency needs two database connections that can wait for each other's row lock, so
these tests run on PostgreSQL only (CI's second run, DATABASE_URL=postgres://…). On SQLite
there is nothing to race: every write transaction starts with BEGIN IMMEDIATE (settings), so a
publish, which now reads the object's state and writes it in one transaction, holds the
database's single write lock from its first read to its commit, and a second publish or
revision save waits for it (busy timeout) — see core/publishing.py.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from wagtail.actions.publish_revision import PublishRevisionAction
from wagtail.models import ModelLogEntry

from content.models import MomentScript
from core import roles
from personas.models import Persona
from tests.personas.factories import PersonaFactory
from tests.personas.test_admin import form_data as persona_form

from .factories import MomentScriptFactory
from .test_admin import form, url

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and concurrent connections (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 4
# How long the first publish holds its window open for the second editor. With the row lock the
# second editor cannot get in, so the first one stops waiting after this and goes on.
WINDOW_SECONDS = 2


@dataclass
class Editable:
    """One of our revisioned models as the admin edits it."""

    model: type
    name_field: str  # what the editors change
    edit_url: Callable
    form: Callable  # (obj, new name) -> posted data

    def publish_from_the_admin(self, user, obj, name: str) -> int:
        client = Client()
        client.force_login(user)
        data = {**self.form(obj, name), "action-publish": "publish"}
        return client.post(self.edit_url(obj), data).status_code

    def name(self, obj) -> str:
        return getattr(obj, self.name_field)


SCRIPT = Editable(
    MomentScript,
    "title",
    lambda obj: url(MomentScript, "edit", obj.pk),
    lambda obj, name: form(obj.persona, title=name, first_comment=""),
)
PERSONA = Editable(
    Persona,
    "name",
    lambda obj: reverse("wagtailsnippets_personas_persona:edit", args=[obj.pk]),
    lambda obj, name: persona_form(name=name, slug=obj.slug),
)


def run_in_threads(*jobs) -> list:
    """Run each job in its own thread (own database connection); return their results, or
    raise what one of them raised."""

    def closing(job):
        try:
            return job()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(closing, job) for job in jobs]
        return [future.result() for future in futures]


def assert_consistent(kind: Editable, pk: int):
    obj = kind.model.objects.get(pk=pk)
    newest = obj.revisions.order_by("-created_at", "-id").first()
    last_publish = (
        ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(kind.model, for_concrete_model=False),
            object_id=str(pk),
            action="wagtail.publish",
        )
        .order_by("-id")
        .first()
    )
    # The newest revision is what editors open, and it is live or waiting to be published.
    assert obj.latest_revision_id == newest.pk
    assert obj.live_revision_id == newest.pk or obj.has_unpublished_changes
    # The last publish is what is live, and the row holds exactly that revision's content.
    assert obj.live_revision_id == last_publish.revision_id
    assert kind.name(obj) == obj.live_revision.content[kind.name_field]
    return obj


@pytest.fixture
def editors(make_user):
    return [make_user(name, roles.MANAGERS) for name in ("editor_a", "editor_b")]


@pytest.fixture(params=["script", "persona"])
def edited(request):
    """(how it is edited, a published object of that kind)"""
    if request.param == "script":
        obj = MomentScriptFactory(title="初稿")
        kind = SCRIPT
    else:
        obj = PersonaFactory(name="初稿")
        kind = PERSONA
    obj.save_revision().publish()
    return kind, obj


def test_a_publish_while_another_is_under_way_is_not_lost(editors, edited, monkeypatch):
    """Editor B saves and publishes while editor A's publish is between reading the script
    and writing it: the moment that lost B's revision."""
    a_in_window, b_done = threading.Event(), threading.Event()
    in_thread_a = threading.local()
    original = PublishRevisionAction._publish_revision

    def held_open(self, *args, **kwargs):
        if getattr(in_thread_a, "value", False):
            a_in_window.set()
            b_done.wait(WINDOW_SECONDS)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PublishRevisionAction, "_publish_revision", held_open)

    kind, obj = edited

    def editor_a():
        in_thread_a.value = True
        return kind.publish_from_the_admin(editors[0], obj, "editor_a 的版本")

    def editor_b():
        assert a_in_window.wait(60), "editor A never reached the publish"
        try:
            return kind.publish_from_the_admin(editors[1], obj, "editor_b 的版本")
        finally:
            b_done.set()

    assert run_in_threads(editor_a, editor_b) == [302, 302]
    live = assert_consistent(kind, obj.pk)
    assert (kind.name(live), live.has_unpublished_changes) == ("editor_b 的版本", False)


def test_editors_publishing_at_the_same_moment(editors):
    script = MomentScriptFactory(title="初稿")
    script.save_revision().publish()
    for _round in range(ROUNDS):
        start = threading.Barrier(len(editors))

        def job(user, start=start):
            def publish():
                start.wait()
                return SCRIPT.publish_from_the_admin(user, script, f"{user.username} 的版本")

            return publish

        assert run_in_threads(*(job(user) for user in editors)) == [302, 302]
        live = assert_consistent(SCRIPT, script.pk)
        assert live.title in {"editor_a 的版本", "editor_b 的版本"}
