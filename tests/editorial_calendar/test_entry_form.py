"""The entry form prevents mistakes: the persona's channels and scripts, hot topics around the
date first, a topic outside its window refused, a promotion on a sensitive date warned about."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from editorial_calendar.models import CalendarEntry
from tests.content.factories import GroupScriptFactory, MomentScriptFactory

from .factories import HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db
ADD = reverse("wagtailsnippets_editorial_calendar_calendarentry:add")


@pytest.fixture
def xiaomei():
    return persona_on("wechat", "wechat_group", name="小美", slug="xiaomei")


@pytest.fixture
def amy():
    return persona_on("douyin", name="Amy", slug="amy")


def new_entry(persona, **changes):
    data = {"date": "2026-12-10", "time": "", "persona": persona.pk, "channel": "wechat",
            "title": "年终好物推荐", "hot_topic": "", "script": "", "owner": "",
            "status": "idea", "notes": ""}  # fmt: skip
    data.update(changes)
    return data


def test_channels_are_the_personas_accounts_and_the_page_can_follow_a_change(
    manager_client, xiaomei, amy
):
    response = manager_client.get(ADD, {"persona": xiaomei.pk, "date": "2026-12-10"})
    field = response.context["form"].fields["channel"]
    assert [v for v, _l in field.choices if v] == ["wechat", "wechat_group"]
    accounts = json.loads(field.widget.attrs["data-persona-channels"])
    assert accounts[str(amy.pk)] == ["douyin"]
    assert "editorial_calendar/entry_form.js" in response.content.decode()
    refused = manager_client.post(ADD, new_entry(xiaomei, channel="douyin"))
    assert refused.status_code == 200 and not CalendarEntry.objects.exists()


def test_the_script_picker_shows_the_personas_scripts_with_kind_and_status(
    manager_client, xiaomei, amy
):
    MomentScriptFactory(persona=xiaomei, title="圣诞预告")
    MomentScriptFactory(persona=xiaomei, title="圣诞预告", publish=False)  # same title
    GroupScriptFactory(persona=amy, title="别人的话术")
    response = manager_client.get(ADD, {"persona": xiaomei.pk})
    labels = [label for v, label in response.context["form"].fields["script"].choices if v]
    assert len(labels) == 2 and all(label.startswith("圣诞预告 · 朋友圈") for label in labels)
    assert {label.split(" · ")[2] for label in labels} == {"在用", "草稿"}
    assert all(label.split(" · ")[3] == gettext("No findings") for label in labels)  # cached
    # The page script asks for another persona's list, or a search, without a reload.
    url = reverse("editorial_calendar:scripts")
    items = manager_client.get(url, {"persona": amy.pk}).json()["items"]
    assert [i["label"].split(" · ")[0] for i in items] == ["别人的话术"]
    found = manager_client.get(url, {"persona": xiaomei.pk, "q": "圣诞"}).json()["items"]
    assert len(found) == 2


def test_hot_topics_around_the_date_come_first(manager_client, xiaomei):
    HotTopicFactory(name="双12", slug="shuang12-2027", start=date(2027, 12, 12),
                    end=date(2027, 12, 12))  # fmt: skip
    near = HotTopicFactory(name="双12", slug="shuang12-2026", start=date(2026, 12, 12),
                           end=date(2026, 12, 12))  # fmt: skip
    response = manager_client.get(ADD, {"date": "2026-12-10", "persona": xiaomei.pk})
    choices = response.context["form"].fields["hot_topic"].choices
    around = choices[1][1]
    assert around[0][0] == near.pk and "✓" in around[0][1]


def test_a_topic_whose_window_misses_the_date_is_refused_naming_the_right_one(
    manager_client, xiaomei
):
    later = HotTopicFactory(name="双12", slug="shuang12-2027", start=date(2027, 12, 12),
                            end=date(2027, 12, 12))  # fmt: skip
    HotTopicFactory(name="双12", slug="shuang12-2026", start=date(2026, 12, 12),
                    end=date(2026, 12, 12))  # fmt: skip
    response = manager_client.post(ADD, new_entry(xiaomei, hot_topic=later.pk))
    assert not CalendarEntry.objects.exists()
    errors = " ".join(response.context["form"].errors["hot_topic"])
    assert "2026-12-10" in errors and "双12（2026-12-12）" in errors


def test_a_promotion_on_a_sensitive_date_is_saved_with_a_warning(manager_client, xiaomei):
    response = manager_client.post(
        ADD, new_entry(xiaomei, date="2026-12-13", title="年终大促秒杀"), follow=True
    )
    assert CalendarEntry.objects.filter(title="年终大促秒杀").exists()
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "南京大屠杀死难者国家公祭日" in shown
