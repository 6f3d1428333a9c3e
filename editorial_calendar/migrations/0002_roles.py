from django.db import migrations

from core import roles


def forwards(apps, schema_editor):
    roles.grant_model(
        apps,
        "editorial_calendar",
        "calendarentry",
        copywriter_actions=("add", "change", "view"),
        manager_actions=("add", "change", "view", "delete", "review"),
    )
    roles.grant_model(
        apps,
        "editorial_calendar",
        "hottopic",
        copywriter_actions=("view",),
        manager_actions=("add", "change", "view", "delete"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("editorial_calendar", "0001_initial"),
        ("personas", "0002_roles_workflow_segments"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
