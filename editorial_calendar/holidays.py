"""Hot topics for any year from 2000 to 2100, computed, never tabulated per year.

* Solar terms and lunar festivals come from borax (astronomical; dates in Beijing time).
* Public-holiday periods (days off, including 调休 swaps) come from the `holidays` package,
  which holds the State Council's announced schedules and computes provisional ones for later
  years; those are marked as provisional.
* Fixed-date days (e-commerce festivals, 情人节, 圣诞节) and rule-based ones (母亲节: the second
  Sunday of May) are rules below, valid for every year.

Only the rules and the content angles live here; the dates are computed for the year asked.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from borax.calendars.lunardate import LunarDate, TermUtils

from .enums import Category

MIN_YEAR = 2000
MAX_YEAR = 2100
# The last year whose holiday schedule the State Council had announced when `holidays` was
# released; later years are computed from the rules and marked provisional.
ANNOUNCED_UNTIL = 2026


class YearOutOfRange(ValueError):
    pass


@dataclass(frozen=True)
class TopicSpec:
    key: str  # stable per topic and year, e.g. "zhongqiu-2027"; also the slug
    name: str
    category: str
    start: date
    end: date
    lead_days: int
    description: str = ""
    angles: tuple[str, ...] = field(default=())


SOLAR_TERMS = [
    ("小寒", "xiaohan"), ("大寒", "dahan"), ("立春", "lichun"), ("雨水", "yushui"),
    ("惊蛰", "jingzhe"), ("春分", "chunfen"), ("清明", "qingming-term"), ("谷雨", "guyu"),
    ("立夏", "lixia"), ("小满", "xiaoman"), ("芒种", "mangzhong"), ("夏至", "xiazhi"),
    ("小暑", "xiaoshu"), ("大暑", "dashu"), ("立秋", "liqiu"), ("处暑", "chushu"),
    ("白露", "bailu"), ("秋分", "qiufen"), ("寒露", "hanlu"), ("霜降", "shuangjiang"),
    ("立冬", "lidong"), ("小雪", "xiaoxue"), ("大雪", "daxue"), ("冬至", "dongzhi"),
]  # fmt: skip

TERM_ANGLES = ("节气养生小知识", "应季产品与用法", "节气海报 + 互动问答")

# (lunar month, day, key, name, lead days, angles); 除夕 is computed from 春节.
LUNAR_FESTIVALS = [
    (1, 1, "chunjie", "春节", 30, ("新春祝福与红包雨", "年货清单与囤货攻略", "春节不打烊服务说明")),
    (1, 15, "yuanxiao", "元宵节", 10, ("猜灯谜互动", "团圆主题内容")),
    (5, 5, "duanwu", "端午节", 14, ("粽子礼盒与节日福利", "端午安康祝福", "传统文化小知识")),
    (7, 7, "qixi", "七夕", 21, ("情侣礼物清单", "表白话题互动", "七夕限定礼盒")),
    (7, 15, "zhongyuan", "中元节", 3, ("传统习俗科普，语气克制",)),
    (8, 15, "zhongqiu", "中秋节", 21, ("月饼礼盒与企业团购", "团圆祝福", "赏月晒图活动")),
    (9, 9, "chongyang", "重阳节", 7, ("关爱长辈", "敬老礼品推荐")),
    (12, 8, "laba", "腊八节", 7, ("腊八粥与暖冬话题", "年货节预热")),
    (12, 23, "xiaonian", "小年（北方）", 7, ("扫尘迎新", "春节物流截止提醒")),
]

PUBLIC_HOLIDAYS = [
    # (name in the holidays package, key, display name, lead days, angles)
    ("元旦", "yuandan", "元旦", 14, ("新年计划与 flag 打卡", "跨年福利")),
    ("清明节", "qingming", "清明节", 7, ("踏青出游", "清明假期服务安排")),
    ("劳动节", "laodong", "劳动节", 14, ("五一出游清单", "假期发货与客服安排")),
    ("国庆节", "guoqing", "国庆节", 21, ("国庆出游与长假囤货", "假期发货与客服安排")),
]

# (month, day, key, name, category, lead days, span days before, angles)
FIXED_DAYS = [
    (2, 14, "qingrenjie", "情人节", Category.WESTERN, 14, 0, ("礼物清单", "情侣互动话题")),
    (3, 8, "nvwangjie", "38女王节", Category.ECOMMERCE, 21, 7, ("女神节专属福利", "宠爱自己")),
    (5, 20, "520", "520", Category.ECOMMERCE, 14, 0, ("表白季礼物", "520 限定")),
    (6, 18, "618", "618", Category.ECOMMERCE, 30, 17,
     ("预售与定金攻略", "满减凑单指南", "会员专属价")),
    (9, 9, "99", "99 大促", Category.ECOMMERCE, 21, 0, ("秋季上新", "品质好物")),
    (11, 11, "shuang11", "双11", Category.ECOMMERCE, 45, 21,
     ("预售与定金攻略", "满减凑单指南", "会员加码")),
    (12, 12, "shuang12", "双12", Category.ECOMMERCE, 21, 0, ("年终好物", "双12 返场")),
    (12, 25, "shengdan", "圣诞节", Category.WESTERN, 21, 0, ("圣诞限定礼盒", "节日氛围互动")),
]  # fmt: skip


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise YearOutOfRange(f"year must be between {MIN_YEAR} and {MAX_YEAR}, not {year}")


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    days = [d for d in stdlib_calendar.Calendar().itermonthdates(year, month) if d.month == month]
    return [d for d in days if d.weekday() == weekday][n - 1]


@lru_cache(maxsize=8)
def _days_off(year: int) -> tuple[dict, frozenset]:
    """({date: holiday name}, weekend days that are working days) for `year` and its neighbours."""
    import holidays

    names: dict[date, str] = {}
    workdays: set[date] = set()
    for y in (year - 1, year, year + 1):
        if 1950 <= y <= 2100:
            cn = holidays.China(years=y, language="zh_CN")
            names.update(cn.items())
            workdays |= set(cn.weekend_workdays)
    return names, frozenset(workdays)


def _off_span(day: date, year: int) -> tuple[date, date]:
    """The whole run of days off around `day`: holidays, swaps and ordinary weekends."""
    names, workdays = _days_off(year)

    def off(d: date) -> bool:
        return d in names or (d.weekday() >= 5 and d not in workdays)

    start = end = day
    while off(start - timedelta(days=1)):
        start -= timedelta(days=1)
    while off(end + timedelta(days=1)):
        end += timedelta(days=1)
    return start, end


def _provisional(year: int) -> str:
    if year > ANNOUNCED_UNTIL:
        return "放假安排按规则推算，以国务院公布为准。"
    return ""


def _lunar_dates_in_year(month: int, day: int, year: int) -> list[date]:
    """Gregorian dates in `year` of lunar month/day (non-leap month): none, one, or, for
    late-12th-month days such as 腊八, sometimes two (2022: January 10 and December 30)."""
    found = []
    for lunar_year in (year - 1, year):
        try:
            solar = LunarDate(lunar_year, month, day).to_solar_date()
        except Exception:  # noqa: BLE001, S112 - borax raises plain Exception for bad dates
            continue
        if solar.year == year:
            found.append(solar)
    return found


def _lunar_in_year(month: int, day: int, year: int) -> date | None:
    found = _lunar_dates_in_year(month, day, year)
    return found[0] if found else None


def hot_topics_for_year(year: int) -> list[TopicSpec]:
    """Every generated hot topic of `year`, in date order."""
    _check_year(year)
    topics: list[TopicSpec] = []

    for index, (name, key) in enumerate(SOLAR_TERMS):
        day = TermUtils.nth_term_day(year, term_index=index)
        topics.append(
            TopicSpec(f"{key}-{year}", name, Category.SOLAR_TERM, day, day, 3,
                      f"二十四节气之{name}。", TERM_ANGLES)
        )  # fmt: skip

    names, _ = _days_off(year)
    for month, day_of_month, key, name, lead, angles in LUNAR_FESTIVALS:
        for occurrence, day in enumerate(_lunar_dates_in_year(month, day_of_month, year)):
            end = day
            if day in names:  # a statutory festival: the topic spans the days off
                _start, end = _off_span(day, year)
            slug = f"{key}-{year}" + (f"-{occurrence + 1}" if occurrence else "")
            topics.append(
                TopicSpec(slug, name, Category.FESTIVAL, day, end, lead,
                          _provisional(year) if end != day else "", angles)
            )  # fmt: skip
    spring = LunarDate(year, 1, 1).to_solar_date()
    eve = spring - timedelta(days=1)
    if eve.year == year:
        topics.append(
            TopicSpec(f"chuxi-{year}", "除夕", Category.FESTIVAL, eve, eve, 30, "",
                      ("年夜饭与团圆话题", "红包雨互动", "春节客服与物流安排"))
        )  # fmt: skip
    nianhuo_end = _lunar_in_year(12, 23, year)
    nianhuo_start = _lunar_in_year(12, 8, year)
    if nianhuo_end and nianhuo_start and nianhuo_start < nianhuo_end:
        topics.append(
            TopicSpec(f"nianhuojie-{year}", "年货节", Category.ECOMMERCE, nianhuo_start,
                      nianhuo_end, 21, "从腊八到小年的年货季。",
                      ("年货清单", "春节物流截止提醒", "年货礼盒"))
        )  # fmt: skip

    for holiday_name, key, name, lead, angles in PUBLIC_HOLIDAYS:
        days = sorted(d for d, n in names.items() if d.year == year and n.startswith(holiday_name))
        if not days:
            continue
        start, end = _off_span(days[0], year)
        topics.append(
            TopicSpec(f"{key}-{year}", name, Category.PUBLIC_HOLIDAY, days[0], end, lead,
                      _provisional(year), angles)
        )  # fmt: skip

    for month, day_of_month, key, name, category, lead, span, angles in FIXED_DAYS:
        day = date(year, month, day_of_month)
        topics.append(
            TopicSpec(f"{key}-{year}", name, category, day - timedelta(days=span), day, lead,
                      "", angles)
        )  # fmt: skip
    topics.append(
        TopicSpec(f"muqinjie-{year}", "母亲节", Category.WESTERN, _nth_weekday(year, 5, 6, 2),
                  _nth_weekday(year, 5, 6, 2), 14, "五月的第二个星期日。", ("感恩妈妈", "礼物清单"))
    )  # fmt: skip
    topics.append(
        TopicSpec(f"fuqinjie-{year}", "父亲节", Category.WESTERN, _nth_weekday(year, 6, 6, 3),
                  _nth_weekday(year, 6, 6, 3), 14, "六月的第三个星期日。", ("感恩爸爸", "礼物清单"))
    )  # fmt: skip
    return sorted(topics, key=lambda t: (t.start, t.key))


def solar_term_day(name: str, year: int) -> date:
    """The day of the solar term `name` (e.g. "清明") in `year`; KeyError for another name."""
    _check_year(year)
    index = [term for term, _key in SOLAR_TERMS].index(name) if name in dict(SOLAR_TERMS) else None
    if index is None:
        raise KeyError(name)
    return TermUtils.nth_term_day(year, term_index=index)
