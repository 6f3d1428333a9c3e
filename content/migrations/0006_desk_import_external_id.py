"""Every script gets its external_id: the rows without one get the key export used to invent for
them (``cms-<id>``), so files exported before this migration still match their scripts."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    Script = apps.get_model("content", "Script")
    taken = set(Script.objects.exclude(external_id=None).values_list("external_id", flat=True))
    for pk in Script.objects.filter(external_id=None).values_list("pk", flat=True).iterator():
        key = f"cms-{pk}"
        if key in taken:  # someone typed "cms-<id>" of another script by hand: keep both apart
            key = f"cms-{pk}-{len(taken)}"
        Script.objects.filter(pk=pk).update(external_id=key)
        taken.add(key)


class Migration(migrations.Migration):
    dependencies = [("content", "0005_lint_terms_into_compliance_rules")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="script",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The script's key in import and export files. Generated when the script is "
                    "created; it can be changed until the script is first published."
                ),
                max_length=100,
                null=True,
                unique=True,
                verbose_name="external ID",
            ),
        ),
    ]
