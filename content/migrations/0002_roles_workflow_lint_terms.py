from django.db import migrations

from core import roles

KINDS = ("momentscript", "groupscript", "livestreamscript", "chatscript")

ALLOWED_ZUI = ["最近", "最后", "最初", "最早", "最晚", "最终"]
ALLOWED_DIYI = ["第一次", "第一步", "第一天", "第一时间", "第一眼", "第一条", "第一个", "第一批", "第一期"]

# (term, category, level, allowed_in, note)
TERMS = [
    ("最", "ad_law", "error", ALLOWED_ZUI, "《广告法》第九条：不得使用“最”等绝对化用语。"),
    ("第一", "ad_law", "error", ALLOWED_DIYI, "《广告法》第九条：不得使用“第一”等绝对化用语。"),
    ("唯一", "ad_law", "error", [], "绝对化用语。"),
    ("顶级", "ad_law", "error", [], "《广告法》第九条：不得使用“顶级”。"),
    ("极致", "ad_law", "error", [], "绝对化用语。"),
    ("国家级", "ad_law", "error", [], "《广告法》第九条：不得使用“国家级”。"),
    ("世界级", "ad_law", "error", [], "绝对化用语。"),
    ("万能", "ad_law", "error", [], "绝对化用语。"),
    ("100%", "ad_law", "error", [], "绝对化承诺。"),
    ("百分百", "ad_law", "error", [], "绝对化承诺。"),
    ("绝对", "ad_law", "error", [], "绝对化用语。"),
    ("首个", "ad_law", "error", [], "绝对化用语，除非有权威证明。"),
    ("首选", "ad_law", "error", [], "绝对化用语。"),
    ("全网", "ad_law", "error", [], "“全网最低/全网首发”等无法证明的比较。"),
    ("史无前例", "ad_law", "error", [], "绝对化用语。"),
    ("独一无二", "ad_law", "error", [], "绝对化用语。"),
    ("销量冠军", "ad_law", "error", [], "需有可验证的数据来源。"),
    ("遥遥领先", "ad_law", "warning", [], "比较性用语，注意证据。"),
    ("永久", "ad_law", "warning", [], "承诺性用语，注意能否兑现。"),
    ("独家", "ad_law", "warning", [], "需确有独家授权。"),
    ("集赞", "induced_sharing", "error", [], "微信外部链接内容管理规范：禁止诱导分享。"),
    ("转发朋友圈", "induced_sharing", "error", [], "诱导分享。"),
    ("转发到朋友圈", "induced_sharing", "error", [], "诱导分享。"),
    ("分享到朋友圈", "induced_sharing", "error", [], "诱导分享。"),
    ("转发领取", "induced_sharing", "error", [], "以奖励诱导分享。"),
    ("分享领取", "induced_sharing", "error", [], "以奖励诱导分享。"),
    ("转发才能", "induced_sharing", "error", [], "以分享为条件。"),
    ("分享才能", "induced_sharing", "error", [], "以分享为条件。"),
    ("拉好友助力", "induced_sharing", "warning", [], "助力类玩法易被判诱导分享。"),
    ("砍一刀", "induced_sharing", "warning", [], "助力类玩法易被判诱导分享。"),
    ("治疗", "medical", "error", [], "普通商品不得宣称医疗作用。"),
    ("治愈", "medical", "error", [], "普通商品不得宣称医疗作用。"),
    ("根治", "medical", "error", [], "普通商品不得宣称医疗作用。"),
    ("药效", "medical", "error", [], "普通商品不得宣称医疗作用。"),
    ("疗效", "medical", "error", [], "普通商品不得宣称医疗作用。"),
    ("消炎", "medical", "error", [], "普通化妆品不得宣称医疗作用。"),
    ("抗癌", "medical", "error", [], "不得宣称医疗作用。"),
]


def forwards(apps, schema_editor):
    for model_name in KINDS:
        roles.grant_model(apps, "content", model_name)
        roles.assign_workflow(apps, "content", model_name)
    roles.grant_model(
        apps,
        "content",
        "lintterm",
        copywriter_actions=("view",),
        manager_actions=("add", "change", "view", "delete"),
    )
    LintTerm = apps.get_model("content", "LintTerm")
    for term, category, level, allowed, note in TERMS:
        LintTerm.objects.get_or_create(
            term=term,
            defaults={"category": category, "level": level, "allowed_in": allowed, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0001_initial"),
        ("personas", "0002_roles_workflow_segments"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
