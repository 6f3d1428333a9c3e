"""Demo personas, channel accounts and users. Called by `manage.py load_demo`; idempotent.

Existing rows are left as they are (a person may have edited them), so running it twice
changes nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.db import transaction
from wagtail.images import get_image_model

from core import roles

from . import demo_images
from .enums import Archetype, Channel, Industry
from .models import Persona, PersonaChannel

DEMO_PASSWORDS = {
    "admin": "demo-admin-2026",
    "copywriter": "demo-copywriter-2026",
    "manager": "demo-manager-2026",
}

PERSONAS = [
    {
        "slug": "xiaomei",
        "name": "小美",
        "brand": "花漾美妆",
        "archetype": Archetype.SHOPPING_BUDDY,
        "industry": Industry.COSMETICS,
        "positioning": "敏感肌护肤与平价彩妆，帮姐妹们少踩雷",
        "signature": "陪你把皮肤慢慢养好 🌿",
        "bio": "90后，混油敏感肌，做了六年美妆顾问。每款推荐的产品自己都先用满两周，"
        "好用就说好用，不适合也会直说。",
        "relationship": "像一起逛街的闺蜜：先听你的皮肤状况和预算，再帮你挑，不催单。",
        "tone_words": ["亲切", "真诚", "有点俏皮", "不端着"],
        "catchphrases": ["闭眼入不踩雷", "我自己也在用", "冲鸭"],
        "address_terms": ["宝子们", "姐妹们", "亲爱的"],
        "emoji_style": "每条 1–3 个，常用 🌸✨💕，不用商务感的表情",
        "sign_off": "有问题随时戳我哦～",
        "do_examples": [
            "宝子们，这支修护精华我自己用了两周，泛红明显少了，敏感肌可以先从小样试起～",
            "姐妹别急着下单，先告诉我你是干皮还是油皮，我帮你挑更合适的那款 💕",
        ],
        "dont_examples": [
            "全网最低价！今天不买就没了！",
            "用了这个保证一周白三个度。",
        ],
        "banned_words": ["全网最低", "根治", "药妆", "保证见效"],
        "colours": ((255, 179, 198), (214, 77, 122)),
        "monogram": "XM",
        "channels": [
            (Channel.WECHAT, "huayang_xiaomei", "主号，加好友送新人礼", 3),
            (Channel.WECOM, "花漾小美", "企业微信客服号", 3),
            (Channel.WECHAT_GROUP, "花漾美妆福利1群", "每晚 8 点整点福利", 5),
            (Channel.LIVESTREAM, "花漾美妆视频号直播间", "每周三、周六晚 8 点", None),
        ],
    },
    {
        "slug": "dr-lin",
        "name": "林营养师",
        "brand": "元气轻食",
        "archetype": Archetype.DOMAIN_EXPERT,
        "industry": Industry.FOOD,
        "positioning": "上班族的体重管理与一日三餐营养搭配",
        "signature": "吃对比吃少更重要",
        "bio": "国家注册营养师，在三甲医院临床营养科工作过八年。擅长把营养学讲成大白话，"
        "帮忙碌的上班族用外卖和便利店也能吃得健康。",
        "relationship": "像耐心的健康顾问：讲依据、给可执行的小建议，尊重每个人的节奏。",
        "tone_words": ["专业", "耐心", "温和", "讲依据"],
        "catchphrases": ["吃对比吃少更重要", "先看配料表", "慢慢来，比较快"],
        "address_terms": ["同学们", "大家", "您"],
        "emoji_style": "很少用，偶尔用 ✅📌 标重点",
        "sign_off": "有具体情况可以私信我，一对一帮您看看。",
        "do_examples": [
            "同学们，早餐来不及的话，便利店选一盒无糖酸奶加一个茶叶蛋，蛋白质就够了 ✅",
            "先看配料表：排在第一位的是什么，这包东西主要就是什么。",
        ],
        "dont_examples": [
            "喝了这个三天瘦十斤！",
            "不用运动不用节食，躺着就能瘦。",
        ],
        "banned_words": ["减肥神器", "躺瘦", "三天瘦十斤", "治疗", "药到病除"],
        "colours": ((178, 223, 186), (46, 125, 90)),
        "monogram": "Lin",
        "channels": [
            (Channel.WECOM, "元气轻食-林营养师", "一对一饮食咨询", 2),
            (Channel.OFFICIAL_ACCOUNT, "元气轻食研究所", "每周二、周五推文", 1),
            (Channel.WECHAT_GROUP, "元气轻食打卡营", "21 天轻食打卡", 4),
            (Channel.XIAOHONGSHU, "林营养师的餐桌", "图文笔记", 1),
        ],
    },
    {
        "slug": "amy-assistant",
        "name": "Amy助理",
        "brand": "花漾美妆",
        "archetype": Archetype.PERSONAL_ASSISTANT,
        "industry": Industry.COSMETICS,
        "positioning": "会员专属的售后与订单助理，帮会员查物流、办售后、提醒权益",
        "signature": "您的专属美妆助理",
        "bio": "花漾美妆会员中心的专属助理，工作日 9:00–21:00 在线，处理订单、售后和会员权益。",
        "relationship": "像靠谱的私人助理：响应快、说清楚下一步，不推销。",
        "tone_words": ["礼貌", "高效", "清楚"],
        "catchphrases": ["收到，马上帮您处理", "已为您登记"],
        "address_terms": ["您", "亲"],
        "emoji_style": "只用 🙏 和 ✅",
        "sign_off": "还有其他需要随时找我。",
        "do_examples": ["收到，马上帮您处理。麻烦发一下订单号，我帮您查物流 🙏"],
        "dont_examples": ["这个不归我管，您找客服吧。"],
        "banned_words": ["不归我管"],
        "colours": ((190, 207, 255), (70, 96, 190)),
        "monogram": "A",
        "channels": [
            (Channel.WECOM, "花漾会员助理Amy", "会员售后", 2),
            (Channel.SMS, "花漾美妆", "发货与到货提醒", 1),
        ],
    },
]


def _image(title: str, filename: str, data: bytes, *, alt: str = ""):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    import io

    image = Image(title=title, description=alt)
    image.file = ImageFile(io.BytesIO(data), name=filename)
    image.save()
    return image


def load_users(stdout) -> None:
    User = get_user_model()
    groups = {
        "copywriter": [roles.COPYWRITERS],
        "manager": [roles.MANAGERS],
        "admin": [],
    }
    for username, group_names in groups.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.com",
                "is_staff": username == "admin",
                "is_superuser": username == "admin",
            },
        )
        for group_name in group_names:
            user.groups.add(Group.objects.get(name=group_name))
        if created:
            if settings.DEBUG:
                user.set_password(DEMO_PASSWORDS[username])
            else:
                user.set_unusable_password()
            user.save()
    if settings.DEBUG:
        stdout.write("演示账号 / demo users (DEBUG only):")
        for username, password in DEMO_PASSWORDS.items():
            stdout.write(f"  {username:<11} {password}")
    else:
        stdout.write(
            "Demo users copywriter, manager and admin exist without a password; "
            "set one with: python manage.py changepassword USERNAME"
        )


def _persona(spec: dict, publisher) -> bool:
    if Persona.objects.filter(slug=spec["slug"]).exists():
        return False
    top, bottom = spec["colours"]
    fields = {
        key: value for key, value in spec.items() if key not in {"colours", "monogram", "channels"}
    }
    persona = Persona(
        **fields,
        avatar=_image(
            f"{spec['name']} 头像",
            f"{spec['slug']}-avatar.png",
            demo_images.avatar(spec["monogram"], top, bottom),
            alt=f"{spec['name']}的头像",
        ),
        cover=_image(
            f"{spec['name']} 头图",
            f"{spec['slug']}-cover.jpg",
            demo_images.cover(top, bottom, spec["slug"]),
            alt=f"{spec['name']}的朋友圈头图",
        ),
    )
    persona.channels = [
        PersonaChannel(
            channel=channel,
            handle=handle,
            note=note,
            daily_post_limit=limit,
            qr_code=_image(
                f"{spec['name']} {handle} 二维码（演示）",
                f"{spec['slug']}-{channel}-qr.png",
                demo_images.placeholder_qr(f"{spec['slug']}:{handle}"),
                alt="演示用二维码占位图",
            )
            if channel in {Channel.WECHAT, Channel.WECOM, Channel.WECHAT_GROUP}
            else None,
        )
        for channel, handle, note, limit in spec["channels"]
    ]
    persona.save()
    persona.save_revision(user=publisher, log_action=True).publish(user=publisher)
    return True


@transaction.atomic
def load(stdout) -> None:
    load_users(stdout)
    publisher = get_user_model().objects.get(username="admin")
    created = [spec["name"] for spec in PERSONAS if _persona(spec, publisher)]
    stdout.write(
        f"人设 personas: {len(created)} created ({'、'.join(created) or '-'}), "
        f"{Persona.objects.count()} in total."
    )
