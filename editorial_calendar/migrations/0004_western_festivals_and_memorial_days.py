"""Data: managers manage sensitive dates and pauses; Western festivals leave the 传统/农历节日 category; the national memorial days seed the
sensitive dates (managers edit the list afterwards).

Dates checked against the NPC Standing Committee decisions and the events themselves:
5·12 汶川地震 (2008-05-12, also 全国防灾减灾日), 7·7 七七事变 (1937-07-07), 7·28 唐山大地震
(1976-07-28), 9·3 抗战胜利纪念日 (decided 2014-02-27), 9·18 九一八事变 (1931-09-18), 9·30 烈士纪念日
(decided 2014-08-31), 12·13 南京大屠杀死难者国家公祭日 (decided 2014-02-27); 清明 moves with the
solar term (4-4 or 4-5).
"""

import re

from django.db import migrations

from core import roles

WESTERN_SLUG = re.compile(r"^(qingrenjie|shengdan|muqinjie|fuqinjie)-\d{4}$")
WESTERN_NAMES = {"情人节", "圣诞节", "平安夜", "母亲节", "父亲节", "万圣节", "感恩节", "复活节"}

MEMORIAL_DAYS = [
    # (name, month, day, solar term, rule, note)
    ("汶川地震纪念日（全国防灾减灾日）", 5, 12, "", "no_promotion",
     "2008 年 5 月 12 日汶川地震。不做促销，内容以防灾减灾、缅怀为主。"),
    ("全民族抗战爆发纪念日（七七事变）", 7, 7, "", "no_promotion",
     "1937 年 7 月 7 日卢沟桥事变。不做促销、不用喜庆语气。"),
    ("唐山大地震纪念日", 7, 28, "", "tone",
     "1976 年 7 月 28 日唐山大地震。语气克制，避免灾难相关的玩笑与营销。"),
    ("中国人民抗日战争胜利纪念日", 9, 3, "", "tone",
     "2014 年全国人大常委会决定设立。语气庄重，不借势促销。"),
    ("九一八事变纪念日", 9, 18, "", "no_promotion",
     "1931 年 9 月 18 日。不做促销、不用喜庆语气。"),
    ("烈士纪念日", 9, 30, "", "tone", "2014 年全国人大常委会决定设立。语气庄重。"),
    ("南京大屠杀死难者国家公祭日", 12, 13, "", "no_promotion",
     "2014 年全国人大常委会决定设立。不做任何促销与喜庆内容。"),
    ("清明节（祭扫）", None, None, "清明", "tone",
     "祭扫缅怀的日子：踏青出游可以，避免喜庆促销语气。"),
]  # fmt: skip


def forwards(apps, schema_editor):
    roles.grant_model(
        apps,
        "editorial_calendar",
        "sensitivedate",
        copywriter_actions=("view",),
        manager_actions=("add", "change", "view", "delete"),
    )
    roles.grant_model(
        apps,
        "editorial_calendar",
        "calendarpause",
        copywriter_actions=("view",),
        manager_actions=("add", "change", "view"),
    )
    HotTopic = apps.get_model("editorial_calendar", "HotTopic")
    for topic in HotTopic.objects.filter(category="festival").only("pk", "slug", "name"):
        if WESTERN_SLUG.match(topic.slug) or topic.name in WESTERN_NAMES:
            HotTopic.objects.filter(pk=topic.pk).update(category="western")
    SensitiveDate = apps.get_model("editorial_calendar", "SensitiveDate")
    for name, month, day, term, rule, note in MEMORIAL_DAYS:
        SensitiveDate.objects.get_or_create(
            name=name,
            defaults={"month": month, "day": day, "solar_term": term, "rule": rule, "note": note},
        )


def backwards(apps, schema_editor):
    HotTopic = apps.get_model("editorial_calendar", "HotTopic")
    HotTopic.objects.filter(category="western").update(category="festival")
    SensitiveDate = apps.get_model("editorial_calendar", "SensitiveDate")
    SensitiveDate.objects.filter(name__in=[row[0] for row in MEMORIAL_DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("editorial_calendar", "0003_sensitive_dates_pauses_western_category")]

    operations = [migrations.RunPython(forwards, backwards)]
