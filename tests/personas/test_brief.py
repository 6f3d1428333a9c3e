import pytest

from personas.brief import build_brief
from personas.enums import Archetype, Channel

from .factories import PersonaChannelFactory, PersonaFactory

pytestmark = pytest.mark.django_db


def test_brief_says_who_whom_and_how_the_persona_speaks():
    persona = PersonaFactory(
        name="小美",
        brand="花漾美妆",
        archetype=Archetype.SHOPPING_BUDDY,
        positioning="敏感肌护肤",
        address_terms=["宝子们", "姐妹们"],
        catchphrases=["闭眼入不踩雷"],
        tone_words=["亲切", "俏皮"],
        sign_off="有问题随时戳我哦～",
    )
    PersonaChannelFactory(persona=persona, channel=Channel.WECHAT_GROUP)
    brief = build_brief(persona)
    assert brief.startswith("你是「小美」，花漾美妆的私域人设，角色定位是购物伙伴。")
    assert "敏感肌护肤" in brief
    assert "「宝子们」、「姐妹们」" in brief
    assert "闭眼入不踩雷" in brief
    assert "亲切、俏皮" in brief
    assert "有问题随时戳我哦～" in brief
    assert "微信群" in brief


def test_brief_lists_what_the_persona_never_says():
    persona = PersonaFactory(
        banned_words=["全网最低", "根治"],
        do_examples=["宝子们先试小样～"],
        dont_examples=["今天不买就没了！"],
    )
    brief = build_brief(persona)
    never = brief[brief.index("【绝不说】") :]
    assert "全网最低、根治" in never
    assert "广告法" in never
    assert (
        "- 宝子们先试小样～" in brief[brief.index("【像这样说】") : brief.index("【不要这样说】")]
    )
    assert "- 今天不买就没了！" in brief[brief.index("【不要这样说】") :]


def test_brief_leaves_out_sections_the_persona_has_not_filled():
    persona = PersonaFactory(
        positioning="",
        bio="",
        relationship="",
        tone_words=[],
        catchphrases=[],
        address_terms=[],
        emoji_style="",
        sign_off="",
        do_examples=[],
        dont_examples=[],
        banned_words=[],
    )
    brief = build_brief(persona)
    assert "【说话方式】" not in brief
    assert "【像这样说】" not in brief
    assert "专注的领域" not in brief
    assert "【绝不说】" in brief  # the legal floor is always there
