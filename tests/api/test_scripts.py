"""GET /api/v1/scripts/, /api/v1/scripts/{id}/ and POST /api/v1/scripts/{id}/render."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from bots import credentials
from core import local
from tests.content.factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
    segment,
    variable,
)
from tests.personas.factories import AudienceSegmentFactory, ImageFactory

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db

SUMMARY = {"id", "kind", "persona", "title", "stage", "audiences", "tags", "hot_topic",
           "valid_from", "valid_until", "updated_at"}  # fmt: skip


def img(image, alt):
    return ("image", {"image": image, "alt_text": alt, "decorative": not alt})


def titles(response):
    return [item["title"] for item in body(response)["items"]]


def test_list_shows_only_live_valid_scripts_of_visible_personas(api, xiaomei, outsider):
    now = timezone.now()
    MomentScriptFactory(persona=xiaomei, title="上线")
    MomentScriptFactory(persona=xiaomei, title="草稿", publish=False)
    MomentScriptFactory(persona=xiaomei, title="过期", valid_until=now - timedelta(minutes=1))
    MomentScriptFactory(persona=xiaomei, title="未开始", valid_from=now + timedelta(minutes=1))
    MomentScriptFactory(persona=outsider, title="别人的")
    response = api.get("scripts/")
    assert titles(response) == ["上线"]
    item = body(response)["items"][0]
    assert set(item) == SUMMARY
    assert item["persona"] == "xiaomei" and item["kind"] == "moment"


def test_scripts_of_an_unpublished_persona_are_invisible(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="上线")
    xiaomei.unpublish()
    assert titles(api.get("scripts/")) == []
    assert_problem(api.get(f"scripts/{script.pk}/"), 404)


def test_filters(api, xiaomei, dr_lin, outsider):
    vip = AudienceSegmentFactory(slug="vip", name="VIP")
    MomentScriptFactory(persona=xiaomei, title="A", stage="convert", tags=["福利", "双十一"],
                        audiences=[vip], hot_topic="double-11")  # fmt: skip
    MomentScriptFactory(persona=xiaomei, title="B", tags=["福利"])
    ChatScriptFactory(persona=dr_lin, title="C", stage="retain")
    MomentScriptFactory(persona=outsider, title="D", tags=["福利"])
    assert titles(api.get("scripts/", {"persona": "xiaomei"})) == ["B", "A"]
    assert titles(api.get("scripts/", {"persona": "outsider"})) == []
    assert titles(api.get("scripts/", {"persona": "nobody"})) == []
    assert titles(api.get("scripts/", {"kind": "chat"})) == ["C"]
    assert titles(api.get("scripts/", {"stage": "convert"})) == ["A"]
    assert titles(api.get("scripts/", {"audience": "vip"})) == ["A"]
    assert titles(api.get("scripts/", {"tag": "福利"})) == ["B", "A"]
    assert titles(api.get("scripts/", {"tag": ["福利", "双十一"]})) == ["A"]
    assert titles(api.get("scripts/", {"hot_topic": "double-11"})) == ["A"]
    item = body(api.get("scripts/", {"stage": "convert"}))["items"][0]
    assert item["tags"] == ["双十一", "福利"] and item["audiences"] == ["vip"]
    assert item["hot_topic"] == "double-11"


def test_pagination_and_constant_queries(api, xiaomei, django_assert_num_queries):
    vip = AudienceSegmentFactory(slug="vip", name="VIP")
    for n in range(3):
        MomentScriptFactory(persona=xiaomei, title=f"S{n}", tags=["t"], audiences=[vip])
    api.get("scripts/")  # records last_used_at once (and caches the token check with Redis)
    token = 0 if credentials.shared() else 1  # token + generation: one statement, or the cache
    with django_assert_num_queries(5 + token) as small:  # count, ids, rows, audiences, tags
        api.get("scripts/", {"limit": 3})
    first = len(small.captured_queries)
    for n in range(3, 25):
        MomentScriptFactory(persona=xiaomei, title=f"S{n}", tags=["t", f"t{n}"], audiences=[vip])
    api.get("scripts/", {"limit": 2})  # the clock's boundaries: read once per change
    with django_assert_num_queries(first):
        response = api.get("scripts/", {"limit": 20})
    data = body(response)
    assert data["count"] == 25 and len(data["items"]) == 20
    assert data["next"].startswith("http://testserver/api/v1/scripts/?")
    rest = body(api.client.get(data["next"], HTTP_AUTHORIZATION=f"Bearer {api.token}"))
    assert len(rest["items"]) == 5 and rest["next"] is None
    assert {i["id"] for i in data["items"]}.isdisjoint({i["id"] for i in rest["items"]})
    assert body(api.get("scripts/", {"offset": 100}))["items"] == []


def test_updated_since_returns_changes_after_that_instant(api, xiaomei):
    old = MomentScriptFactory(persona=xiaomei, title="旧")
    since = body(api.get("scripts/"))["items"][0]["updated_at"]
    MomentScriptFactory(persona=xiaomei, title="新")
    assert titles(api.get("scripts/", {"updated_since": since})) == ["新"]
    old.title = "旧（改）"
    old.save_revision().publish()
    assert set(titles(api.get("scripts/", {"updated_since": since}))) == {"新", "旧（改）"}
    naive = timezone.localtime().replace(tzinfo=None) + timedelta(minutes=1)
    assert titles(api.get("scripts/", {"updated_since": naive.isoformat()})) == []


def test_detail_of_each_kind(api, xiaomei):
    image = ImageFactory(title="新品图")
    moment = MomentScriptFactory(
        persona=xiaomei,
        variables=[variable("nickname", default="宝子")],
        messages=[("text", "{{nickname}}，新品到啦"), img(image, "新品")],
        first_comment="评论区见",
    )
    data = body(api.get(f"scripts/{moment.pk}/"))
    assert data["variables"] == [
        {"name": "nickname", "required": True, "default": "宝子", "description": ""}
    ]
    assert data["messages"][0] == {"type": "text", "text": "{{nickname}}，新品到啦"}
    assert data["messages"][1]["type"] == "image"
    assert data["messages"][1]["url"].startswith("http://testserver/media/")
    assert data["first_comment"] == "评论区见"
    group = body(api.get(f"scripts/{GroupScriptFactory(persona=xiaomei).pk}/"))
    assert (group["group_types"], group["purpose"], group["trigger"]) == (
        ["newcomer"], "welcome", "on_join")  # fmt: skip
    live = LivestreamScriptFactory(
        persona=xiaomei, segments=[segment("demo", 10, "举起产品", ["看这个质地"], "修护精华")]
    )
    live_data = body(api.get(f"scripts/{live.pk}/"))
    assert live_data["segments"] == [
        {
            "name": "产品演示",
            "type": "demo",
            "minutes": 10,
            "cue": "举起产品",
            "lines": ["看这个质地"],
            "product": "修护精华",
        }  # fmt: skip
    ]
    assert live_data["warmup_messages"] == live_data["messages"]
    chat = body(api.get(f"scripts/{ChatScriptFactory(persona=xiaomei).pk}/"))
    assert chat["triggers"] == ["在吗"] and "segments" not in chat


def test_a_draft_edit_of_a_published_script_never_leaks(api, xiaomei):
    script = MomentScriptFactory(persona=xiaomei, title="原标题", messages=[("text", "原文")])
    draft = script.get_latest_revision_as_object()
    draft.title = "草稿标题"
    draft.messages = [("text", "草稿正文")]
    draft.save_revision()
    for response in (api.get(f"scripts/{script.pk}/"), api.get("scripts/"),
                     api.post(f"scripts/{script.pk}/render")):  # fmt: skip
        assert b"\xe8\x8d\x89\xe7\xa8\xbf" not in response.content  # "草稿"
    draft.get_latest_revision().publish()
    assert body(api.get(f"scripts/{script.pk}/"))["title"] == "草稿标题"


def test_detail_404s(api, xiaomei, outsider):
    hidden = [
        MomentScriptFactory(persona=outsider),
        MomentScriptFactory(persona=xiaomei, publish=False),
        MomentScriptFactory(persona=xiaomei, valid_until=timezone.now() - timedelta(seconds=1)),
    ]
    for script in hidden:
        assert_problem(api.get(f"scripts/{script.pk}/"), 404, "not_found")
        assert_problem(api.post(f"scripts/{script.pk}/render"), 404, "not_found")


def test_etag_304_does_not_load_the_script(api, xiaomei, django_assert_max_num_queries):
    script = MomentScriptFactory(persona=xiaomei)
    etag = api.get(f"scripts/{script.pk}/")["ETag"]
    with django_assert_max_num_queries(3):  # token, scope, (id, updated_at, revision)
        response = api.get(f"scripts/{script.pk}/", HTTP_IF_NONE_MATCH=f'W/"x", {etag}')
    assert response.status_code == 304 and not response.content
    script.title = "新标题"
    script.save_revision().publish()
    assert api.get(f"scripts/{script.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.fixture
def welcome(xiaomei):
    image = ImageFactory(title="群福利")
    return GroupScriptFactory(
        persona=xiaomei,
        variables=[variable("nickname"), variable("coupon", required=False, default="HY8")],
        messages=[
            ("text", "欢迎{{nickname}}进群！"),
            ("delay", {"seconds": 5}),
            img(image, ""),
            (
                "link",
                {
                    "title": "{{nickname}}的专属券",
                    "description": "口令{{coupon}}",
                    "url": "https://example.com/c",
                    "image": None,
                },
            ),  # fmt: skip
        ],
    )


def test_render_substitutes_literally_and_applies_defaults(api, welcome):
    response = api.post(f"scripts/{welcome.pk}/render", {"variables": {"nickname": "{{coupon}}"}})
    data = body(response)
    assert response.status_code == 200
    assert data["messages"][0] == {"type": "text", "text": "欢迎{{coupon}}进群！"}
    assert data["messages"][3]["description"] == "口令HY8"
    assert data["values"] == {"nickname": "{{coupon}}", "coupon": "HY8"}
    assert data["format"] == "native"


def test_render_errors(api, welcome):
    doc = assert_problem(api.post(f"scripts/{welcome.pk}/render", {}), 422, "missing_variables")
    assert doc["missing"] == ["nickname"]
    doc = assert_problem(
        api.post(f"scripts/{welcome.pk}/render", {"variables": {"nickname": "a", "x": "1"}}),
        422,
        "unknown_variables",
    )
    assert doc["unknown"] == ["x"] and doc["errors"][0]["loc"] == ["variables", "x"]
    bad = {"variables": {"nickname": 3}}
    assert_problem(api.post(f"scripts/{welcome.pk}/render", bad), 422, "validation_error")
    extra = {"variables": {}, "format": "wecom"}
    assert_problem(api.post(f"scripts/{welcome.pk}/render", extra), 422, "validation_error")
    assert_problem(api.post(f"scripts/{welcome.pk}/render", raw="{"), 400, "malformed_json")
    wrong = api.post(f"scripts/{welcome.pk}/render", raw="a=b", content_type="text/plain")
    assert_problem(wrong, 400, "unsupported_content_type")
    big = {"variables": {"nickname": "长" * 30_000}}
    assert_problem(api.post(f"scripts/{welcome.pk}/render", big), 413, "payload_too_large")
    assert_problem(
        api.post(f"scripts/{welcome.pk}/render?format=pdf", {"variables": {"nickname": "a"}}),
        422,
    )


def test_render_for_wecom(api, welcome):
    data = body(
        api.post(f"scripts/{welcome.pk}/render?format=wecom", {"variables": {"nickname": "Amy"}})
    )
    text, image, link = data["messages"]
    assert text == {"msgtype": "text", "text": {"content": "欢迎Amy进群！"}}
    assert image["msgtype"] == "image" and image["delay_seconds"] == 5
    assert image["image"]["pic_url"].startswith("http://testserver/media/")
    assert link == {"msgtype": "link", "link": {"title": "Amy的专属券", "desc": "口令HY8",
                    "url": "https://example.com/c", "picurl": ""}}  # fmt: skip


def test_render_as_text(api, welcome, xiaomei):
    data = body(
        api.post(f"scripts/{welcome.pk}/render?format=text", {"variables": {"nickname": "Amy"}})
    )
    assert (
        data["text"]
        == "欢迎Amy进群！\n\n[图片：群福利]\n\n[链接：Amy的专属券 https://example.com/c]"
    )
    live = LivestreamScriptFactory(
        persona=xiaomei,
        messages=[("text", "今晚八点见")],
        segments=[segment("demo", 10, "举起产品", ["看这个质地"], "修护精华")],
    )
    text = body(api.post(f"scripts/{live.pk}/render?format=text"))["text"]
    assert text == "今晚八点见\n\n【产品演示 · 10 分钟】（举起产品）\n看这个质地\n[商品：修护精华]"


def test_an_image_deleted_from_the_library_is_left_out_and_the_lint_names_it(api, xiaomei):
    """API.md: an image message is {url, width, height, alt}: one whose image is gone has none of
    them, so it is left out (every format), and the editor's lint says so, as an error."""
    from content.lint import lint

    image = ImageFactory(title="新品图")
    script = MomentScriptFactory(persona=xiaomei, messages=[
        ("text", "新品到啦"), img(image, "新品"), img(ImageFactory(title="细节图"), "细节"),
    ])  # fmt: skip
    assert [m["type"] for m in body(api.get(f"scripts/{script.pk}/"))["messages"]] == [
        "text", "image", "image"
    ]  # fmt: skip
    image.delete()
    # The detail's body is kept under its ETag (the script's stamp) for BODY_CACHE_SECONDS at
    # most: a deleted image is a change the stamp cannot see (core/api/responses.py).
    cache.clear()
    local.clear()
    script = type(script).objects.get(pk=script.pk)
    kept = body(api.get(f"scripts/{script.pk}/"))["messages"]
    assert [(m["type"], m.get("alt")) for m in kept] == [("text", None), ("image", "细节")]
    rendered = body(api.post(f"scripts/{script.pk}/render?format=wecom", {"variables": {}}))
    assert [m["msgtype"] for m in rendered["messages"]] == ["text", "image"]
    [finding] = [f for f in lint(script) if f.code == "media_missing"]
    assert finding.is_error and finding.where == "messages.1"
