from django.db import migrations

from core import roles


def grant(apps, schema_editor):
    # Managers accept findings (add_override) and read/export the records; copywriters see
    # what was accepted on their scripts.
    roles.grant_model(
        apps, "compliance", "override", copywriter_actions=("view",), manager_actions=("add", "view")
    )
    roles.grant_model(
        apps, "compliance", "compliancerecord", copywriter_actions=(), manager_actions=("view",)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0003_overrides_records"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
