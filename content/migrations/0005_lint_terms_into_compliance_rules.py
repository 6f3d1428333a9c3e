"""The global lint list moves into the compliance engine's rules (issue 12).

Terms still exactly as seeded by 0002 are left behind: the seeded rule packs cover them, with
context exceptions. Terms managers added or changed become rules of the `custom` pack (one rule
per term, same level, allowed words and note; switched-off terms stay switched off). Then the
LintTerm table goes.
"""

from django.db import migrations

from ._lint_terms_0002 import DEFAULT_TERMS

CITATIONS = {
    "ad_law": "《广告法》第九条",
    "induced_sharing": "《微信外部链接内容管理规范》：禁止诱导分享",
    "medical": "《广告法》第十七条",
}


def forwards(apps, schema_editor):
    LintTerm = apps.get_model("content", "LintTerm")
    RulePack = apps.get_model("compliance", "RulePack")
    Rule = apps.get_model("compliance", "Rule")
    RuleSet = apps.get_model("compliance", "RuleSet")
    pack, _created = RulePack.objects.get_or_create(
        code="custom", defaults={"name": "自定义词表", "industries": [], "channels": []}
    )
    moved = 0
    for row in LintTerm.objects.order_by("pk"):
        seeded = DEFAULT_TERMS.get(row.term)
        current = (row.category, row.level, list(row.allowed_in or []), row.note)
        if seeded is not None and row.active and current == seeded:
            continue
        code = f"custom_term_{row.pk}"
        if Rule.objects.filter(code=code).exists():
            continue
        Rule.objects.create(
            pack=pack,
            code=code,
            title=f"自定义词“{row.term}”"[:80],
            level=row.level,
            kind="words",
            terms=[row.term],
            allowed=list(row.allowed_in or []),
            citation=CITATIONS.get(row.category, ""),
            explanation=row.note,
            active=row.active,
        )
        moved += 1
    if moved:
        RuleSet.objects.filter(pk=1).update(number=1 + (RuleSet.objects.get(pk=1).number))


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0004_usage_totals_64_bit"),
        ("compliance", "0002_seed_rule_packs"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="LintTerm"),
    ]
