from django.db import migrations

from core import roles

SEGMENTS = [
    ("new", "新客", "刚加好友或刚进群、还没有下单的用户。"),
    ("active", "活跃用户", "近30天有互动或下单的用户。"),
    ("vip", "会员", "已购会员或累计消费达到会员门槛的用户。"),
    ("koc", "KOC", "愿意分享、能带动身边人的关键意见消费者。"),
    ("dormant", "沉睡用户", "90天以上没有互动或下单，需要唤醒的用户。"),
]


def forwards(apps, schema_editor):
    roles.grant_model(apps, "personas", "persona")
    roles.grant_model(
        apps,
        "personas",
        "audiencesegment",
        copywriter_actions=("view",),
        manager_actions=("add", "change", "view", "delete"),
    )
    roles.assign_workflow(apps, "personas", "persona")

    AudienceSegment = apps.get_model("personas", "AudienceSegment")
    for order, (slug, name, description) in enumerate(SEGMENTS):
        AudienceSegment.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("personas", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
