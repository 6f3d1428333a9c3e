from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from editorial_calendar.generate import generate
from editorial_calendar.holidays import YearOutOfRange, hot_topics_for_year
from editorial_calendar.models import HotTopic


def topic(year, key):
    return next(t for t in hot_topics_for_year(year) if t.key == f"{key}-{year}")


@pytest.mark.parametrize(
    ("year", "key", "expected"),
    [
        (2026, "chunjie", date(2026, 2, 17)),
        (2026, "chuxi", date(2026, 2, 16)),
        (2027, "zhongqiu", date(2027, 9, 15)),
        (2026, "duanwu", date(2026, 6, 19)),
        (2026, "qingming", date(2026, 4, 5)),
        (2026, "dongzhi", date(2026, 12, 22)),
        (2027, "lichun", date(2027, 2, 4)),
        (2023, "zhongqiu", date(2023, 9, 29)),  # a year with a leap 2nd month
        (2025, "qixi", date(2025, 8, 29)),  # a year with a leap 6th month
        (2025, "chuxi", date(2025, 1, 28)),  # the 12th month had 29 days
        (2026, "muqinjie", date(2026, 5, 10)),
        (2026, "fuqinjie", date(2026, 6, 21)),
        (2026, "shuang11", date(2026, 10, 21)),
    ],
)
def test_known_dates(year, key, expected):
    assert topic(year, key).start == expected


def test_public_holidays_span_the_announced_days_off():
    spring = topic(2026, "chunjie")
    assert (spring.start, spring.end) == (date(2026, 2, 17), date(2026, 2, 23))
    national = topic(2026, "guoqing")
    assert (national.start, national.end) == (date(2026, 10, 1), date(2026, 10, 7))
    assert "以国务院公布为准" in topic(2030, "guoqing").description


def test_every_year_has_24_solar_terms_and_the_festivals():
    for year in (2000, 2026, 2057, 2100):
        topics = hot_topics_for_year(year)
        assert sum(t.category == "solar_term" for t in topics) == 24
        keys = {t.key.rsplit("-", 1)[0] for t in topics}
        assert {"chunjie", "yuanxiao", "duanwu", "qixi", "zhongyuan", "zhongqiu", "chongyang",
                "xiaonian", "618", "shuang11", "shuang12", "nianhuojie", "qingrenjie",
                "muqinjie", "shengdan", "520", "99", "nvwangjie"} <= keys  # fmt: skip
        assert all(t.start.year == year or t.key.startswith("shuang11") for t in topics)
        assert all(t.end >= t.start for t in topics)


def test_a_year_with_two_laba_days_gets_both():
    labas = [t for t in hot_topics_for_year(2022) if t.name == "腊八节"]
    assert [(t.key, t.start) for t in labas] == [
        ("laba-2022", date(2022, 1, 10)),
        ("laba-2022-2", date(2022, 12, 30)),
    ]


@pytest.mark.parametrize("year", [1800, 1999, 2101])
def test_years_out_of_range_are_refused(year):
    with pytest.raises(YearOutOfRange):
        hot_topics_for_year(year)


@pytest.mark.django_db
def test_generate_is_idempotent_and_keeps_manager_edits():
    first = generate(2027)
    assert first.created == len(hot_topics_for_year(2027)) and first.existing == 0
    HotTopic.objects.filter(slug="zhongqiu-2027").update(lead_days=40)
    second = generate(2027)
    assert second.created == 0
    assert HotTopic.objects.filter(slug__endswith="-2027").count() == first.created
    assert HotTopic.objects.get(slug="zhongqiu-2027").lead_days == 40


@pytest.mark.django_db
def test_command_refuses_1800_and_changes_nothing():
    with pytest.raises(CommandError, match="2000"):
        call_command("hot_topics", "generate", "--year", "1800")
    assert not HotTopic.objects.exists()
