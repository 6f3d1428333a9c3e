import pytest
from django.utils.translation import gettext

from compliance.models import Rule
from content.lint import errors, lint, where_label
from tests.personas.factories import PersonaFactory

from .factories import (
    ChatScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
    segment,
    variable,
)

pytestmark = pytest.mark.django_db


def codes(findings):
    return {(f.level, f.code, f.term) for f in findings}


def test_persona_banned_word_is_an_error_with_the_word_highlighted():
    persona = PersonaFactory(banned_words=["药妆"])
    script = MomentScriptFactory(persona=persona, messages=[("text", "宝子们，这款药妆<很温和>")])
    [finding] = [f for f in lint(script) if f.code == "persona_banned"]
    assert finding.is_error and finding.where == "messages.0"
    assert str(finding.excerpt_html()) == "宝子们，这款<mark>药妆</mark>&lt;很温和&gt;"


def test_global_absolute_terms_and_induced_sharing_are_errors_one_per_phrase():
    script = MomentScriptFactory(messages=[("text", "宝子们，全网第一好用！集赞送小样")])
    found = codes(lint(script))
    assert ("error", "ad_absolute_top", "全网第一") in found
    assert ("error", "wechat_induced_sharing_words", "集赞") in found
    assert not [f for f in lint(script) if f.term == "第一"]  # inside 全网第一: one finding


def test_context_exceptions_do_not_trigger_their_rule():
    script = MomentScriptFactory(messages=[("text", "宝子们最近第一次用的话，最后记得防晒")])
    assert not [f for f in lint(script) if f.code.startswith("ad_absolute")]
    flagged = MomentScriptFactory(messages=[("text", "宝子们，这是最好用的")])
    [finding] = [f for f in lint(flagged) if f.code == "ad_absolute_superlative"]
    assert finding.term == "最好用" and finding.citation and finding.suggestions


def test_managers_can_switch_a_rule_off():
    rule = Rule.objects.get(code="wechat_induced_sharing_words")
    rule.active = False
    rule.save()
    script = MomentScriptFactory(messages=[("text", "宝子们集赞活动")])
    assert not [f for f in lint(script) if f.term == "集赞"]


def test_long_moment_text_and_missing_voice_are_warnings_only():
    persona = PersonaFactory(address_terms=["宝子们"], catchphrases=["冲鸭"])
    script = MomentScriptFactory(persona=persona, messages=[("text", "新品上市。" * 40)])
    findings = lint(script)
    assert {f.code for f in findings} == {"text_too_long", "persona_voice"}
    assert errors(findings) == []


def test_chat_reply_in_voice_has_no_findings():
    persona = PersonaFactory(address_terms=["亲"], catchphrases=[], banned_words=[])
    script = ChatScriptFactory(persona=persona, messages=[("text", "亲，收到啦")])
    assert lint(script) == []


def test_a_variables_default_is_checked_it_is_sent_when_the_bot_has_no_value():
    script = MomentScriptFactory(
        variables=[variable("gift", required=False, default="全网最低价的面膜")],
        messages=[("text", "宝子们，今天送{{gift}}")],
    )
    [finding] = errors(lint(script))
    assert (finding.code, finding.term) == ("ad_absolute_superlative", "全网最低价")
    assert finding.where == "variables.gift.default"
    assert where_label(finding.where) == gettext("default of variable %(name)s") % {"name": "gift"}
    assert "全网最低价" in script.search_text


def test_dodges_in_the_first_comment_and_the_livestream_lines_are_found():
    moment = MomentScriptFactory(
        messages=[("text", "宝子们，新品到啦～")], first_comment="评论区：集\u200b赞满20个送正装"
    )
    [finding] = errors(lint(moment))
    assert (finding.where, finding.code) == ("first_comment", "wechat_induced_sharing_words")
    live = LivestreamScriptFactory(
        segments=[segment("demo", 10, "举起产品", ["这款是国\n家\n级专家研发的"])]
    )
    [finding] = errors(lint(live))
    assert (finding.where, finding.term) == ("segments.0.lines.0", "国\n家\n级")
