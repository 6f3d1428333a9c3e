"""The calendar tells the truth: gaps over each topic's whole window per persona, every waiting
entry, titles in cells, posts-only fatigue, Western festivals filed as such, sensitive dates."""

import re
from datetime import date, time

import pytest
from django.urls import reverse

from editorial_calendar.enums import Category
from editorial_calendar.gaps import covering_personas, missing, upcoming
from editorial_calendar.generate import generate
from editorial_calendar.holidays import hot_topics_for_year, solar_term_day
from editorial_calendar.models import HotTopic, SensitiveDate

from .factories import CalendarEntryFactory, HotTopicFactory, persona_on

pytestmark = pytest.mark.django_db
URL = reverse("editorial_calendar:index")


@pytest.fixture
def xiaomei():
    return persona_on("wechat", "wechat_group", name="小美", slug="xiaomei")


@pytest.fixture
def christmas():
    # prepared from 12-04, runs 12-25
    return HotTopicFactory(name="圣诞节", category="western", start=date(2026, 12, 25),
                           end=date(2026, 12, 25), lead_days=21)  # fmt: skip


def test_a_topic_planned_just_outside_the_weeks_on_screen_is_no_gap(
    manager_client, xiaomei, christmas
):
    # The January view shows 2026-12-28 … 2027-01-31: Christmas is not on screen at all, and
    # in December the entry (12-05) is inside the preparation window.
    CalendarEntryFactory(persona=xiaomei, hot_topic=christmas, date=date(2026, 12, 5))
    assert missing([christmas], [xiaomei]) == {}
    page = manager_client.get(URL, {"month": "2026-12"}).content.decode()
    assert "圣诞节 ⚠" not in page


def test_a_gap_is_per_persona_and_cancelled_or_outside_entries_do_not_plan(xiaomei, christmas):
    amy = persona_on("wechat", name="Amy", slug="amy")
    CalendarEntryFactory(persona=xiaomei, hot_topic=christmas, date=date(2026, 12, 20))
    CalendarEntryFactory(persona=amy, hot_topic=christmas, date=date(2026, 12, 20),
                         status="cancelled")  # fmt: skip
    CalendarEntryFactory(persona=amy, hot_topic=christmas, date=date(2026, 11, 1))  # too early
    assert missing([christmas], [xiaomei, amy]) == {christmas.pk: [amy]}
    assert {p.pk for p in covering_personas()} == {xiaomei.pk, amy.pk}
    assert covering_personas(amy.pk) == [amy]
    gaps = upcoming(date(2026, 12, 1))
    assert [t.pk for t in gaps] == [christmas.pk] and gaps[0].missing == [amy]
    assert upcoming(date(2026, 12, 1), xiaomei.pk) == []


def test_the_gap_band_names_the_personas_with_nothing_planned(manager_client, xiaomei, christmas):
    page = manager_client.get(URL, {"month": "2026-12"}).content.decode()
    assert "圣诞节 ⚠" in page
    assert "没有排期" in page or "nothing planned for" in page


def test_the_review_panel_lists_every_waiting_entry_oldest_first(manager_client, xiaomei):
    first = CalendarEntryFactory(persona=xiaomei, status="in_review", date=date(2026, 12, 20),
                                 title="十二月待审")  # fmt: skip
    CalendarEntryFactory(persona=xiaomei, status="in_review", date=date(2027, 3, 1),
                         title="三月待审")  # fmt: skip
    response = manager_client.get(URL, {"month": "2027-01"})
    waiting = [e.title for e in response.context["in_review"]]
    assert waiting == ["十二月待审", "三月待审"]
    assert response.context["in_review_count"] == 2
    assert first.title in response.content.decode()


def test_month_cells_show_the_title_truncated_with_the_whole_in_the_tooltip(
    manager_client, xiaomei
):
    title = "圣诞节前一周的暖冬福利预告：三款限定礼盒与会员加赠"
    CalendarEntryFactory(persona=xiaomei, title=title, date=date(2026, 12, 18), time=time(8, 30))
    page = manager_client.get(URL, {"month": "2026-12"}).content.decode()
    assert f'title="{title} ·' in page
    shown = re.search(r'<span class="entry-title">([^<]*)</span>', page).group(1)
    assert shown.startswith(title[:20]) and len(shown) < len(title)
    assert "08:30" in page


def test_fatigue_counts_only_planned_posts(manager_client, xiaomei):
    day = date(2026, 11, 18)  # limit: 2 a day on wechat
    for n, status in enumerate(["drafting", "approved", "idea", "idea", "cancelled"]):
        CalendarEntryFactory(persona=xiaomei, channel="wechat", date=day, status=status,
                             title=f"t{n}")  # fmt: skip
    response = manager_client.get(URL, {"view": "week", "week": "2026-11-18"})
    cell = next(c for w in response.context["weeks"] for c in w.days if c.day == day)
    assert not cell.fatigued and cell.loads[0].count == 2
    CalendarEntryFactory(persona=xiaomei, channel="wechat", date=day, status="scheduled")
    response = manager_client.get(URL, {"view": "week", "week": "2026-11-18"})
    cell = next(c for w in response.context["weeks"] for c in w.days if c.day == day)
    assert cell.fatigued


def test_western_festivals_are_not_traditional_festivals():
    categories = {t.name: t.category for t in hot_topics_for_year(2027)}
    for name in ("情人节", "圣诞节", "母亲节", "父亲节"):
        assert categories[name] == Category.WESTERN, name
    for name in ("春节", "中秋节", "七夕", "端午节"):
        assert categories[name] == Category.FESTIVAL, name
    generate(2027)
    assert HotTopic.objects.get(slug="shengdan-2027").category == "western"


def test_the_data_migration_refiles_stored_western_festivals():
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "editorial_calendar.migrations.0004_western_festivals_and_memorial_days"
    )
    HotTopicFactory(slug="shengdan-2026", name="圣诞节", category="festival")
    HotTopicFactory(slug="my-xmas", name="情人节", category="festival")
    HotTopicFactory(slug="zhongqiu-2026", name="中秋节", category="festival")
    migration.forwards(apps, None)
    assert dict(HotTopic.objects.values_list("slug", "category")) == {
        "shengdan-2026": "western",
        "my-xmas": "western",
        "zhongqiu-2026": "festival",
    }


def test_memorial_days_are_seeded_with_their_dates_and_rules():
    rows = {row.name: row for row in SensitiveDate.objects.all()}
    by_name = {name: (row.on(2026), row.rule) for name, row in rows.items()}
    assert by_name["南京大屠杀死难者国家公祭日"] == (date(2026, 12, 13), "no_promotion")
    assert by_name["九一八事变纪念日"] == (date(2026, 9, 18), "no_promotion")
    assert by_name["全民族抗战爆发纪念日（七七事变）"] == (date(2026, 7, 7), "no_promotion")
    assert by_name["汶川地震纪念日（全国防灾减灾日）"] == (date(2026, 5, 12), "no_promotion")
    assert by_name["清明节（祭扫）"] == (date(2026, 4, 5), "tone")
    assert solar_term_day("清明", 2024) == date(2024, 4, 4)


def test_sensitive_dates_and_promotions_on_them_are_marked_on_the_grid(manager_client, xiaomei):
    CalendarEntryFactory(persona=xiaomei, date=date(2026, 12, 13), title="双12返场秒杀")
    CalendarEntryFactory(persona=xiaomei, date=date(2026, 12, 13), title="南京公祭日·铭记历史")
    response = manager_client.get(URL, {"month": "2026-12"})
    page = response.content.decode()
    assert "⛔ 南京大屠杀死难者国家公祭日" in page
    flagged = {e.title: bool(e.sensitive_warning) for e in response.context["entries"]}
    assert flagged == {"双12返场秒杀": True, "南京公祭日·铭记历史": False}


def test_the_sensitive_dates_list_reads_each_day_once_and_active_in_chinese(manager_client):
    response = manager_client.get(reverse("wagtailsnippets_editorial_calendar_sensitivedate:list"))
    page = response.content.decode()
    cells = re.findall(r"<td[^>]*>\s*(.*?)\s*</td>", page, re.S)
    assert "5·12" in cells  # the day alone: the name is the column before
    assert "清明" in cells
    assert "True" not in page and "✓ 是" in page
