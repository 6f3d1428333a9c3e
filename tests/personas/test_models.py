import pytest
from django.core.exceptions import ValidationError

from core.fields import LineListFormField
from personas.enums import Channel
from personas.models import AudienceSegment, Persona

from .factories import PersonaChannelFactory, PersonaFactory

pytestmark = pytest.mark.django_db


def test_personal_wechat_account_defaults_to_5000_friends():
    account = PersonaChannelFactory(channel=Channel.WECHAT, capacity=None)
    assert account.capacity == 5000


def test_group_defaults_to_500_members_and_explicit_capacity_is_kept():
    assert PersonaChannelFactory(channel=Channel.WECHAT_GROUP).capacity == 500
    assert PersonaChannelFactory(channel=Channel.WECHAT, capacity=4200).capacity == 4200
    assert PersonaChannelFactory(channel=Channel.WEIBO).capacity is None


def test_daily_limit_is_the_strictest_account_on_that_channel():
    persona = PersonaFactory()
    PersonaChannelFactory(persona=persona, channel=Channel.WECHAT, daily_post_limit=4)
    PersonaChannelFactory(persona=persona, channel=Channel.WECHAT, daily_post_limit=2)
    PersonaChannelFactory(persona=persona, channel=Channel.WECOM, daily_post_limit=None)
    persona = Persona.objects.get(pk=persona.pk)
    assert persona.daily_limit(Channel.WECHAT) == 2
    assert persona.daily_limit(Channel.WECOM) is None
    assert persona.daily_limit(Channel.DOUYIN) is None


def test_live_queryset_hides_unpublished_personas():
    live = PersonaFactory()
    draft = PersonaFactory(publish=False)
    draft.live = False
    draft.save()
    assert list(Persona.objects.live()) == [live]


def test_segments_for_every_user_layer_are_seeded():
    assert set(AudienceSegment.objects.values_list("slug", flat=True)) >= {
        "new",
        "active",
        "vip",
        "koc",
        "dormant",
    }


class TestLineList:
    field = LineListFormField(required=False, max_item_length=5)

    def test_one_entry_per_line_trimmed(self):
        assert self.field.clean("  宝子们 \r\n姐妹们\n\n") == ["宝子们", "姐妹们"]

    def test_blank_lines_and_repeats_are_removed_and_reported(self):
        cleaned = self.field.clean("最\n   \n第一\n\n最\n第一\n最")
        assert cleaned == ["最", "第一"]
        assert cleaned.blank_lines == 2
        assert cleaned.duplicates == ["最", "第一", "最"]
        notice = cleaned.notice("禁用词")
        assert "禁用词" in notice and "最" in notice and "第一" in notice

    def test_a_clean_list_has_no_notice(self):
        assert self.field.clean("最\n第一").notice("禁用词") == ""

    def test_overlong_entries_are_still_errors(self):
        with pytest.raises(ValidationError):
            self.field.clean("这是一个太长的词")

    def test_stored_list_is_shown_one_per_line(self):
        assert self.field.prepare_value(["a", "b"]) == "a\nb"
