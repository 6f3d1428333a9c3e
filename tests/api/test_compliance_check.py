"""POST /api/v1/compliance/check: the engine for bot-generated text."""

import pytest

from .conftest import assert_problem, body

pytestmark = pytest.mark.django_db
PATH = "compliance/check"


def test_findings_carry_offsets_into_the_text_as_sent(api):
    text = "宝子们～这是全網 最低價的精华！"
    response = api.post(PATH, {"text": text})
    assert response.status_code == 200
    data = body(response)
    assert data["ok"] is False and data["rule_version"].startswith("v")
    [finding] = data["findings"]
    assert text[finding["start"] : finding["end"]] == finding["match"] == "全網 最低價"
    assert finding["level"] == "error" and finding["citation"] and finding["suggestions"]
    assert set(finding) == {"rule", "level", "start", "end", "match", "message", "citation",
                            "suggestions"}  # fmt: skip


def test_a_clean_text_is_ok(api):
    data = body(api.post(PATH, {"text": "你最喜欢哪个色号？第一节课免费试听。"}))
    assert data == {"ok": True, "rule_version": data["rule_version"], "findings": []}


def test_persona_brings_its_banned_words_and_industry(api, xiaomei):
    xiaomei.banned_words = ["药妆"]
    xiaomei.industry = "food"
    xiaomei.save()
    data = body(api.post(PATH, {"text": "这款药妆能淡斑", "persona": "xiaomei"}))
    rules = {f["rule"] for f in data["findings"]}
    assert "persona_banned" in rules
    assert "cosmetics_special_efficacy" not in rules  # a food persona: cosmetics pack off
    data = body(api.post(PATH, {"text": "这款精华能淡斑"}))
    assert {f["rule"] for f in data["findings"]} == {"cosmetics_special_efficacy"}


def test_channel_switches_platform_packs_on(api):
    assert body(api.post(PATH, {"text": "想要的加我微信"}))["ok"] is True
    data = body(api.post(PATH, {"text": "想要的加我微信", "channel": "xiaohongshu"}))
    assert data["ok"] is False and data["findings"][0]["rule"] == "xhs_off_platform"


def test_persona_outside_the_scope_or_unknown_is_404(api, outsider):
    assert_problem(api.post(PATH, {"text": "你好", "persona": "outsider"}), 404, "not_found")
    assert_problem(api.post(PATH, {"text": "你好", "persona": "nobody"}), 404, "not_found")


def test_bad_bodies_are_problems(api):
    assert_problem(api.post(PATH, {"text": "你好", "colour": "red"}), 422)
    assert_problem(api.post(PATH, {"text": "你好", "channel": "myspace"}), 422)
    assert_problem(api.post(PATH, {}), 422)
    assert_problem(api.post(PATH, raw="{not json"), 400)


def test_text_over_20000_characters_is_413(api):
    assert body(api.post(PATH, {"text": "好" * 20_000}))["ok"] is True
    assert_problem(api.post(PATH, {"text": "好" * 20_001}), 413, "text_too_long")


def test_needs_a_token(anonymous):
    response = anonymous.post(PATH, {"text": "你好"})
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("rate", ["2/m"])
def test_rate_limited_like_every_endpoint(api, settings, rate):
    settings.API_RATE_LIMIT = rate
    for _attempt in range(2):
        assert api.post(PATH, {"text": "你好"}).status_code == 200
    response = api.post(PATH, {"text": "你好"})
    assert_problem(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
