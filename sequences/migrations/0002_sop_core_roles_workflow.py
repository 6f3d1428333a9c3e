from django.db import migrations

from core import roles


def forwards(apps, schema_editor):
    roles.grant_model(apps, "sequences", "sequence")
    roles.assign_workflow(apps, "sequences", "sequence")
    roles.grant_model(
        apps,
        "sequences",
        "stepusage",
        copywriter_actions=("view",),
        manager_actions=("view",),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("sequences", "0001_sop_core_initial"),
        ("content", "0002_roles_workflow_lint_terms"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
