"""bench/api.py's data: the throw-away installation it measures (run in a subprocess, so Django
is never set up in the load generator), and its in-process profile (``--profile``)."""

from __future__ import annotations

import io
import os
import random
import sys
import time
from pathlib import Path


# Preparing the data (in a subprocess: Django is never set up in the load generator) ---------
def _texts(rng: random.Random, with_coupon: bool) -> tuple[str, list[str]]:
    from bench.search import ACTS, ADDRESS, EVENTS, FILLER, PRODUCTS

    product, event, act = rng.choice(PRODUCTS), rng.choice(EVENTS), rng.choice(ACTS)
    title = f"{event}{product}{act}"
    deal = "{{coupon}}" if with_coupon else rng.choice(["买一送一", "第二件半价", "限时特价"])
    texts = [
        f"{{{{nickname}}}}{rng.choice(ADDRESS)}，{event}{act}来啦！{product}{deal}。"
        + "，".join(rng.sample(FILLER, rng.randint(1, 3)))
        + "。"
    ]
    for _ in range(rng.randint(1, 3)):
        texts.append("，".join(rng.sample(FILLER, rng.randint(2, 5))) + "～")
    return title, texts


def prepare(count: int, profile: bool) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import APIToken

    from bots.models import BotClient
    from content.enums import GroupPurpose, GroupType, Stage, Trigger
    from content.models import Script, ScriptTag
    from personas.models import AudienceSegment, Persona

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    personas = list(Persona.objects.filter(live=True))
    tags = list(Tag.objects.all())
    segments = list(AudienceSegment.objects.all())
    stages = [value for value, _label in Stage.choices]
    now = timezone.now()
    rng = random.Random(20261122)
    kinds = ["moment", "group", "chat", "livestream"]
    scripts = []
    for i in range(count):
        with_coupon = i % 2 == 0
        title, texts = _texts(rng, with_coupon)
        variables = [
            ("variable", {"name": "nickname", "required": True, "description": "客户昵称"})
        ]
        if with_coupon:
            coupon = {
                "name": "coupon",
                "required": False,
                "default": "满199减30",
                "description": "优惠券",
            }
            variables.append(("variable", coupon))
        kind = kinds[i % 4]
        script = Script(
            kind=kind, persona=rng.choice(personas), title=title[:100], stage=rng.choice(stages),
            variables=variables, messages=[("text", text) for text in texts],
            search_text="\n".join(texts), live=True, has_unpublished_changes=False,
            first_published_at=now, last_published_at=now,
        )  # fmt: skip
        if kind == "moment":
            script.first_comment = "链接放评论区啦，有问题随时私信我～"
        elif kind == "group":
            script.group_types = [GroupType.WELFARE]
            script.purpose, script.trigger = GroupPurpose.PROMOTION, Trigger.SCHEDULED
        elif kind == "chat":
            script.triggers = [title[:4], "优惠", "怎么买"]
        scripts.append(script)
    Script.objects.bulk_create(scripts, batch_size=1000)
    ScriptTag.objects.bulk_create(
        [ScriptTag(content_object_id=s.pk, tag=t) for s in scripts
         for t in rng.sample(tags, min(len(tags), rng.randint(1, 3)))],
        batch_size=2000,
    )  # fmt: skip
    Through = Script.audiences.through
    Through.objects.bulk_create(
        [Through(script_id=s.pk, audiencesegment_id=a.pk) for s in scripts
         for a in rng.sample(segments, min(len(segments), rng.randint(1, 2)))],
        batch_size=2000,
    )  # fmt: skip

    # The search and Dify targets need the corpus in the index (the bulk insert skips it).
    from search import index_admin

    index_admin.rebuild()

    _client, bot_token = BotClient.create("bench", all_personas=True)
    admin = get_user_model().objects.create_superuser("bench-admin", "bench@example.com", None)
    _obj, wagtail_token = APIToken.create_token(user=admin, name="bench")

    deliverable = Script.objects.deliverable().order_by("pk")
    rich = next(
        (s for s in deliverable.filter(kind="moment").exclude(external_id=None)
         if any(b.block_type == "image" for b in s.messages) and s.variables),
        None,
    )  # fmt: skip
    plain = deliverable.filter(kind="moment", external_id=None).order_by("pk")[count // 8]
    if rich is None:
        raise SystemExit("no demo moment with images and variables")
    out = {
        "bot_token": bot_token,
        "wagtail_token": wagtail_token,
        "rich": rich.pk,
        "plain": plain.pk,
        "scripts": Script.objects.count(),
        "live": deliverable.count(),
    }
    if profile:
        _profile(out)
    return out


def _profile(data: dict) -> None:
    """In process (Django test client: no HTTP, no gunicorn, one thread): ms per request of
    the bare view, our detail (200 and 304) and Wagtail's, then a cProfile of our detail."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ours = Client(HTTP_AUTHORIZATION=f"Bearer {data['bot_token']}")
    theirs = Client(HTTP_AUTHORIZATION=f"Bearer {data['wagtail_token']}")
    url = f"/api/v1/scripts/{data['rich']}/"
    response = ours.get(url)
    (Path(os.environ["DATA_DIR"]) / "bare.json").write_bytes(response.content)
    cases = [
        ("bare view", ours, "/bench/bare/", {}),
        ("our detail 200", ours, url, {}),
        ("our detail 304", ours, url, {"HTTP_IF_NONE_MATCH": response["ETag"]}),
        ("Wagtail v3 detail", theirs, f"/api/v3/snippets/content.MomentScript/{data['rich']}/",
         {}),
    ]  # fmt: skip
    for label, client, path, headers in cases:
        for _ in range(20):
            client.get(path, **headers)
        start = time.perf_counter()
        for _ in range(300):
            client.get(path, **headers)
        elapsed = (time.perf_counter() - start) / 300 * 1000
        with CaptureQueriesContext(connection) as queries:
            client.get(path, **headers)
        print(f"in process, {label}: {elapsed:.2f} ms/request, {len(queries)} queries")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(200):
        ours.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"/work/main/(?!\.venv)|query\.py|compiler\.py", 40)
    stats.sort_stats("tottime").print_stats(20)
