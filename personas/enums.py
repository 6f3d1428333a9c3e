"""Choices owned by the personas app; reused by models, API schemas and filters."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Archetype(models.TextChoices):
    SHOPPING_BUDDY = "shopping_buddy", _("Shopping buddy")
    DOMAIN_EXPERT = "domain_expert", _("Domain expert")
    PERSONAL_ASSISTANT = "personal_assistant", _("Personal assistant")


class Industry(models.TextChoices):
    """What a persona sells: decides which compliance packs apply (compliance/profiles)."""

    GENERAL = "general", _("General (every pack)")
    COSMETICS = "cosmetics", _("Cosmetics and skincare")
    FOOD = "food", _("Food and drink")
    HEALTH = "health", _("Health and wellness")
    EDUCATION = "education", _("Education and training")
    MATERNAL = "maternal", _("Mother and baby")
    APPAREL = "apparel", _("Apparel and accessories")
    HOME = "home", _("Home and daily goods")


class Channel(models.TextChoices):
    """The channels a persona can run. The values are part of the delivery API contract."""

    WECHAT = "wechat", _("Personal WeChat")
    WECOM = "wecom", _("WeCom")
    WECHAT_GROUP = "wechat_group", _("WeChat group")
    OFFICIAL_ACCOUNT = "official_account", _("Official account")
    MINI_PROGRAM = "mini_program", _("Mini program")
    VIDEO_ACCOUNT = "video_account", _("Video account")
    DOUYIN = "douyin", _("Douyin")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    WEIBO = "weibo", _("Weibo")
    LIVESTREAM = "livestream", _("Livestream")
    SMS = "sms", _("SMS")


# Platform ceilings on an account's audience, used when an account leaves its capacity blank.
# A personal WeChat tops out at 5,000 friends; a WeChat group at 500 members.
DEFAULT_CAPACITY: dict[str, int] = {
    Channel.WECHAT: 5000,
    Channel.WECHAT_GROUP: 500,
}
