from django.db import migrations

from core import roles

from ._packs_2026_12 import PACKS

RULE_DEFAULTS = {
    "level": "error",
    "kind": "words",
    "partners": [],
    "window": 20,
    "allowed": [],
    "exceptions": [],
    "sounds_alike": True,
    "citation": "",
    "explanation": "",
    "suggestions": [],
}


def forwards(apps, schema_editor):
    for model_name in ("rulepack", "rule"):
        roles.grant_model(
            apps,
            "compliance",
            model_name,
            copywriter_actions=("view",),
            manager_actions=("add", "change", "view", "delete"),
        )
    RulePack = apps.get_model("compliance", "RulePack")
    Rule = apps.get_model("compliance", "Rule")
    RuleSet = apps.get_model("compliance", "RuleSet")
    for spec in PACKS:
        pack, _created = RulePack.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                "industries": spec.get("industries", []),
                "channels": spec.get("channels", []),
            },
        )
        for rule in spec["rules"]:
            fields = {**RULE_DEFAULTS, **{k: v for k, v in rule.items() if k != "code"}}
            Rule.objects.get_or_create(code=rule["code"], defaults={"pack": pack, **fields})
    RuleSet.objects.update_or_create(pk=1, defaults={"number": 1})


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_rule_packs"),
        ("personas", "0002_roles_workflow_segments"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
