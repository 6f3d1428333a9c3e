from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from content.models import ChatScript, LivestreamScript, MomentScript, Script
from tests.personas.factories import PersonaFactory

from .factories import (
    ChatScriptFactory,
    GroupScriptFactory,
    LivestreamScriptFactory,
    MomentScriptFactory,
    segment,
    variable,
)

pytestmark = pytest.mark.django_db


def test_every_script_has_one_id_across_kinds_and_its_kind():
    scripts = [
        MomentScriptFactory(),
        GroupScriptFactory(),
        LivestreamScriptFactory(),
        ChatScriptFactory(),
    ]
    assert len({s.pk for s in scripts}) == 4
    assert [Script.objects.get(pk=s.pk).kind for s in scripts] == [
        "moment",
        "group",
        "livestream",
        "chat",
    ]
    assert MomentScript.objects.count() == 1 and ChatScript.objects.count() == 1
    assert type(Script.objects.get(pk=scripts[2].pk).as_kind()) is LivestreamScript


def test_ten_images_on_a_moment_are_refused():
    from tests.personas.factories import ImageFactory

    image = ImageFactory()
    script = MomentScriptFactory.build(
        persona=PersonaFactory(),
        messages=[("text", "宝子们看图")]
        + [("image", {"image": image, "alt_text": "图", "decorative": False})] * 10,
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean(exclude=["tags", "audiences"])
    assert "9" in str(error.value.message_dict["messages"])


def test_segment_with_negative_minutes_is_refused():
    script = LivestreamScriptFactory.build(persona=PersonaFactory(), segments=[segment("demo", -5)])
    with pytest.raises(ValidationError) as error:
        script.full_clean(exclude=["tags", "audiences"])
    assert "segments" in error.value.message_dict


@pytest.mark.parametrize(
    ("text", "declared", "expected"),
    [
        ("你好 {{nickname}}", [], "nickname"),
        ("你好 {{ }}", [], "{{ }}"),
        ("你好 {{nickname", [], "{{nickname"),
        ("你好", [variable("coupon_code")], "coupon_code"),
    ],
)
def test_variable_problems_name_the_variable(text, declared, expected):
    script = GroupScriptFactory.build(
        persona=PersonaFactory(), messages=[("text", text)], variables=declared
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean(exclude=["tags", "audiences"])
    assert expected in str(error.value)


def test_validity_window_must_end_after_it_starts():
    now = timezone.now()
    script = ChatScriptFactory.build(
        persona=PersonaFactory(), valid_from=now, valid_until=now - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        script.full_clean(exclude=["tags", "audiences"])
    assert "valid_until" in error.value.message_dict


def test_chat_needs_a_trigger_and_group_a_message():
    chat = ChatScriptFactory.build(persona=PersonaFactory(), triggers=[])
    with pytest.raises(ValidationError, match="triggers"):
        chat.full_clean(exclude=["tags", "audiences"])
    group = GroupScriptFactory.build(persona=PersonaFactory(), messages=[("delay", {"seconds": 3})])
    with pytest.raises(ValidationError):
        group.full_clean(exclude=["tags", "audiences"])


def test_only_live_scripts_inside_their_window_are_deliverable():
    now = timezone.now()
    live = MomentScriptFactory(title="已发布")
    MomentScriptFactory(title="草稿", publish=False)
    MomentScriptFactory(title="已过期", valid_until=now - timedelta(hours=1))
    MomentScriptFactory(title="未开始", valid_from=now + timedelta(hours=1))
    assert list(Script.objects.deliverable()) == [live]


def test_draft_edit_of_a_published_script_does_not_change_the_live_row():
    script = MomentScriptFactory(title="原标题")
    draft = script.get_latest_revision_as_object()
    draft.title = "改过的标题"
    draft.save_revision()
    script.refresh_from_db()
    assert script.title == "原标题"
    assert script.has_unpublished_changes
    assert script.get_latest_revision_as_object().title == "改过的标题"


def test_texts_are_collected_for_search_and_lint():
    script = LivestreamScriptFactory(
        messages=[("text", "今晚八点见")],
        segments=[segment("demo", 10, "举起产品", ["看这个质地"], "修护精华")],
    )
    assert "今晚八点见" in script.search_text
    assert "看这个质地" in script.search_text
    assert script.total_minutes == 10
