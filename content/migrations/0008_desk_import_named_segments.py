"""Livestream segments get a free name and an optional type: each old segment's code moves to
`type` and its name becomes the code's Chinese name, in the scripts and in their revisions
(so drafts, history and reverts keep working)."""

import json

import wagtail.fields
from django.db import migrations

# Frozen copy of content.enums.SEGMENT_NAMES as of this migration.
NAMES = {
    "warmup": "暖场", "opening": "开场", "content": "内容", "conversion": "转化",
    "demo": "产品演示", "interaction": "互动/抽奖", "qa": "答疑", "closing": "收尾并引导入群",
    "followup": "播后跟进",
}  # fmt: skip


def named(blocks):
    """The raw stream with named segments; None when nothing changes."""
    changed = False
    out = []
    for block in blocks or []:
        value = block.get("value") if isinstance(block, dict) else None
        if isinstance(value, dict) and "type" not in value:
            code = value.get("name")
            value = {**value, "name": NAMES.get(code, code or ""), "type": code if code in NAMES else ""}
            block = {**block, "value": value}
            changed = True
        out.append(block)
    return out if changed else None


def forwards(apps, schema_editor):
    Script = apps.get_model("content", "Script")
    for script in Script.objects.filter(kind="livestream").only("pk", "segments").iterator():
        new = named(list(script.segments.raw_data))
        if new is not None:
            script.segments = new
            script.save(update_fields=["segments"])

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    types = ContentType.objects.filter(app_label="content", model__in=["livestreamscript", "script"])
    for revision in Revision.objects.filter(content_type__in=types).iterator():
        content = revision.content or {}
        raw = content.get("segments")
        stream = json.loads(raw) if isinstance(raw, str) else raw
        if not stream:
            continue
        new = named(stream)
        if new is not None:
            content["segments"] = json.dumps(new) if isinstance(raw, str) else new
            revision.content = content
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0007_desk_import_jobs'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.AlterField(
            model_name='script',
            name='segments',
            field=wagtail.fields.StreamField([('segment', 7)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'help_text': 'As the host calls it, e.g. 产品讲解：气垫', 'label': 'Name', 'max_length': 100}), 1: ('wagtail.blocks.ChoiceBlock', [], {'choices': [('warmup', 'Warm-up'), ('opening', 'Opening'), ('content', 'Content'), ('conversion', 'Conversion'), ('demo', 'Product demo'), ('interaction', 'Interaction / lottery'), ('qa', 'Q&A'), ('closing', 'Closing and lead into the group'), ('followup', 'Follow-up')], 'label': 'Type', 'required': False}), 2: ('wagtail.blocks.IntegerBlock', (), {'label': 'Minutes', 'max_value': 600, 'min_value': 1}), 3: ('wagtail.blocks.TextBlock', (), {'label': 'Host cue', 'max_length': 1000, 'required': False, 'rows': 2}), 4: ('wagtail.blocks.TextBlock', (), {'max_length': 5000, 'rows': 2}), 5: ('wagtail.blocks.ListBlock', (4,), {'label': 'Lines', 'min_num': 0}), 6: ('wagtail.blocks.CharBlock', (), {'label': 'Featured product', 'max_length': 100, 'required': False}), 7: ('wagtail.blocks.StructBlock', [[('name', 0), ('type', 1), ('minutes', 2), ('cue', 3), ('lines', 5), ('product', 6)]], {})}, verbose_name='segments'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
