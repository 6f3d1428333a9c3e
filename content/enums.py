"""Choices owned by the content app. Values are part of the delivery API and import format."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MOMENT = "moment", _("Moments post")
    GROUP = "group", _("Group script")
    LIVESTREAM = "livestream", _("Livestream script")
    CHAT = "chat", _("1:1 chat reply")


class Stage(models.TextChoices):
    """Lifecycle stage: 引流 → 沉淀 → 激活 → 转化 → 复购 → 裂变."""

    ATTRACT = "attract", _("Attract")
    ONBOARD = "onboard", _("Onboard")
    ACTIVATE = "activate", _("Activate")
    CONVERT = "convert", _("Convert")
    RETAIN = "retain", _("Retain")
    REFER = "refer", _("Refer")


class GroupType(models.TextChoices):
    WELFARE = "welfare", _("Perks group")
    MEMBER = "member", _("Members group")
    NEWCOMER = "newcomer", _("Newcomers group")
    FLASH = "flash", _("Flash-sale group")
    CHECKIN = "checkin", _("Check-in group")
    LIVE = "live", _("Livestream group")
    INTEREST = "interest", _("Interest group")


class GroupPurpose(models.TextChoices):
    WELCOME = "welcome", _("Welcome")
    ANNOUNCEMENT = "announcement", _("Announcement")
    RULES = "rules", _("Group rules")
    CHECKIN = "checkin", _("Check-in")
    ACTIVITY = "activity", _("Activity (red packet, lottery)")
    PROMOTION = "promotion", _("Promotion")
    TOPIC = "topic", _("Topic")
    QA = "qa", _("Q&A")


class Trigger(models.TextChoices):
    ON_JOIN = "on_join", _("When someone joins")
    SCHEDULED = "scheduled", _("Scheduled")
    MANUAL = "manual", _("Manual")


class Segment(models.TextChoices):
    """Livestream run-of-show segments."""

    WARMUP = "warmup", _("Warm-up")
    OPENING = "opening", _("Opening")
    CONTENT = "content", _("Content")
    CONVERSION = "conversion", _("Conversion")
    DEMO = "demo", _("Product demo")
    INTERACTION = "interaction", _("Interaction / lottery")
    QA = "qa", _("Q&A")
    CLOSING = "closing", _("Closing and lead into the group")
    FOLLOWUP = "followup", _("Follow-up")


# A segment's name when only its type is known (a file from before named segments, a row with
# a type and no name), and the words hosts use for each type: import infers the type from a
# name such as 开场 or 产品讲解：气垫 (the part before the colon). Fixed Chinese, not the
# catalogue: stored data must not depend on the language of the process that imported it.
SEGMENT_NAMES = {
    "warmup": "暖场", "opening": "开场", "content": "内容", "conversion": "转化",
    "demo": "产品演示", "interaction": "互动/抽奖", "qa": "答疑", "closing": "收尾并引导入群",
    "followup": "播后跟进",
}  # fmt: skip
SEGMENT_WORDS = {
    **{name: code for code, name in SEGMENT_NAMES.items()},
    "预热": "warmup", "产品讲解": "demo", "讲解": "demo", "试用": "demo", "互动": "interaction",
    "抽奖": "interaction", "抽奖互动": "interaction", "互动抽奖": "interaction",
    "福利": "conversion", "逼单": "conversion", "问答": "qa",
    "收尾": "closing", "结尾": "closing", "下播": "closing",
}  # fmt: skip


class LintLevel(models.TextChoices):
    ERROR = "error", _("Error (blocks publishing)")
    WARNING = "warning", _("Warning")


class LintCategory(models.TextChoices):
    ADVERTISING_LAW = "ad_law", _("Advertising Law: absolute terms")
    INDUCED_SHARING = "induced_sharing", _("WeChat: induced sharing")
    MEDICAL = "medical", _("Medical claims")
    OTHER = "other", _("Other")


MAX_MOMENT_IMAGES = 9
MAX_TEXT_LENGTH = 5000

# Soft limits per kind: past them the text still publishes, with a warning.
# Moments fold after about six lines (~140 Chinese characters on a phone); a group message
# longer than ~500 characters fills more than a screen; a 1:1 reply should read at a glance.
TEXT_FOLD_LENGTH: dict[str, int] = {
    Kind.MOMENT: 140,
    Kind.GROUP: 500,
    Kind.LIVESTREAM: 300,
    Kind.CHAT: 300,
}


class UsageEvent(models.TextChoices):
    """What bots report about a sent script (POST /api/v1/events/, 数据反哺)."""

    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    CLICKED = "clicked", _("Clicked")
    REPLIED = "replied", _("Replied")
    CONVERTED = "converted", _("Converted")


class ImportJobState(models.TextChoices):
    """An admin import (content/import_jobs.py): checked first, imported on request."""

    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Not imported")
    # Its worker stopped in the middle (killed, crashed): nothing was written; it can be retried.
    INTERRUPTED = "interrupted", _("Interrupted")
