"""Sensitive dates (national memorial days) and what planning on them must watch out for."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils.translation import gettext as _

from .enums import Category, SensitiveRule
from .models import SensitiveDate

PROMOTIONAL_CATEGORIES = {Category.ECOMMERCE, Category.MEMBER_DAY}
# Words that make a title or note promotional (a sale, a coupon, a limited offer).
PROMOTIONAL_WORDS = (
    "促销", "优惠", "折扣", "打折", "折起", "秒杀", "大促", "特价", "满减", "优惠券", "领券",
    "红包", "限时", "抢购", "团购", "预售", "直降", "包邮", "福利", "下单", "特惠", "清仓",
)  # fmt: skip


def is_promotional(title: str = "", notes: str = "", topic_category: str | None = None) -> bool:
    if topic_category in PROMOTIONAL_CATEGORIES:
        return True
    text = f"{title}\n{notes}"
    return any(word in text for word in PROMOTIONAL_WORDS)


def between(first: date, last: date) -> dict[date, list[SensitiveDate]]:
    """{day: active sensitive dates on it} for [first, last] (one query)."""
    found: dict[date, list[SensitiveDate]] = defaultdict(list)
    rows = list(SensitiveDate.objects.filter(active=True))
    for year in range(first.year, last.year + 1):
        for row in rows:
            day = row.on(year)
            if day is not None and first <= day <= last:
                found[day].append(row)
    return found


def warning(day: date, promotional: bool, on_day: list[SensitiveDate] | None = None) -> str:
    """What to tell the planner of an entry on `day`, or ''. `on_day` saves the query."""
    if on_day is None:
        on_day = between(day, day).get(day, [])
    if not on_day:
        return ""
    names = "、".join(row.name for row in on_day)
    if promotional and any(row.rule == SensitiveRule.NO_PROMOTION for row in on_day):
        return _("%(day)s is %(names)s: no promotion on this day.") % {
            "day": day.isoformat(),
            "names": names,
        }
    if promotional:
        return _("%(day)s is %(names)s: keep the tone restrained, no festive promotion.") % {
            "day": day.isoformat(),
            "names": names,
        }
    return ""
