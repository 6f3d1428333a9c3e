"""GET /api/v1/personas/ and /api/v1/personas/{slug}/."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from bots import credentials
from bots.models import BotClient
from core import generation
from tests.personas.factories import ImageFactory, PersonaChannelFactory, PersonaFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db

FIELDS = {"slug", "name", "brand", "archetype", "positioning", "bio", "avatar", "cover",
          "voice", "channels", "updated_at"}  # fmt: skip


def test_list_shows_published_personas_in_scope_only(api, xiaomei, dr_lin, outsider):
    PersonaFactory(slug="draft-persona", publish=False)
    data = body(api.get("personas/"))
    assert data["count"] == 2 and data["next"] is None
    assert [p["slug"] for p in data["items"]] == ["dr-lin", "xiaomei"]
    assert set(data["items"][0]) >= FIELDS


def test_detail_has_voice_channels_images_and_brief(api, xiaomei):
    xiaomei.avatar = ImageFactory(title="头像")
    xiaomei.save_revision().publish()
    PersonaChannelFactory(persona=xiaomei, channel="wecom", handle="xiaomei_01", note="主号")
    data = body(api.get("personas/xiaomei/"))
    assert data["voice"] == {
        "tone": ["亲切", "真诚"],
        "catchphrases": ["闭眼入不踩雷"],
        "address_terms": ["宝子们", "姐妹们"],
        "emoji_style": "每条 1–3 个",
        "sign_off": "有问题随时戳我哦～",
        "banned_words": ["全网最低", "根治"],
        "examples": {"do": ["宝子们，这支我自己用了两周～"], "dont": ["全网最低价！"]},
    }
    assert data["channels"][0]["channel"] == "wecom"
    assert data["channels"][0]["handle"] == "xiaomei_01"
    assert data["avatar"]["url"].startswith("http://testserver/media/")
    assert data["avatar"]["width"] > 0 and data["avatar"]["alt"] == "头像"
    assert data["cover"] is None
    assert "小美" in data["brief"] and "全网最低" in data["brief"]
    assert data["updated_at"].endswith("+08:00")


def test_out_of_scope_unpublished_and_unknown_personas_do_not_exist(api, outsider):
    PersonaFactory(slug="draft-persona", publish=False)
    for slug in ["outsider", "draft-persona", "nobody"]:
        assert_problem(api.get(f"personas/{slug}/"), 404, "not_found")


def test_a_draft_edit_is_invisible_until_published(api, xiaomei):
    draft = xiaomei.get_latest_revision_as_object()
    draft.name = "小美（改）"
    draft.save_revision()
    assert body(api.get("personas/xiaomei/"))["name"] == "小美"
    draft.get_latest_revision().publish()
    assert body(api.get("personas/xiaomei/"))["name"] == "小美（改）"


def test_etag_gives_304_without_loading_the_persona(api, xiaomei, django_assert_max_num_queries):
    first = api.get("personas/xiaomei/")
    etag = first["ETag"]
    with django_assert_max_num_queries(3):  # token, scope, (id, updated_at)
        again = api.get("personas/xiaomei/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    xiaomei.bio = "新简介"
    xiaomei.save_revision().publish()
    assert api.get("personas/xiaomei/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_list_etag_and_updated_since(api, xiaomei, dr_lin):
    first = api.get("personas/")
    assert api.get("personas/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    since = max(p["updated_at"] for p in body(first)["items"])
    xiaomei.bio = "新简介"
    xiaomei.save_revision().publish()
    data = body(api.get("personas/", {"updated_since": since}))
    assert [p["slug"] for p in data["items"]] == ["xiaomei"]
    assert api.get("personas/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_persona_list_queries_do_not_grow_with_the_page(api, django_assert_num_queries):
    everyone = api.as_token(BotClient.create("all", all_personas=True)[1])

    def persona(n):
        p = PersonaFactory(slug=f"p{n}", avatar=ImageFactory(), cover=ImageFactory())
        PersonaChannelFactory(persona=p)

    persona(0)
    # records last_used_at once, renders the renditions, reads the clock's boundaries
    everyone.get("personas/", {"limit": 19})
    # the token check reading the generation too (not with a shared cache), count, page ids,
    # page rows, avatars + their renditions, covers + theirs, channels; not cached yet
    with django_assert_num_queries(8 + (0 if credentials.shared() else 1)) as few:
        everyone.get("personas/")
    first = len(few.captured_queries)
    for n in range(1, 6):
        persona(n)
    everyone.get("personas/", {"limit": 19})  # the new images' renditions are created once
    cache.clear()  # renditions come from the prefetch, not from Wagtail's rendition cache
    BotClient.authenticate(everyone.token)  # the token check cached again (shared cache)
    generation.next_boundary(generation.current(), timezone.now())  # and the generation
    with django_assert_num_queries(first):
        assert body(everyone.get("personas/"))["count"] == 9
