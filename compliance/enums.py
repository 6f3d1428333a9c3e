"""Choices owned by the compliance app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    ERROR = "error", _("Error (blocks publishing)")
    WARNING = "warning", _("Warning")


class MatchKind(models.TextChoices):
    WORDS = "words", _("Any of the words")
    TOGETHER = "together", _("A word of each list in one sentence")


# Channels of the WeChat family: the private domain this product serves. A text checked without
# a channel is checked as WeChat text (packs limited to other platforms stay off).
WECHAT_FAMILY = frozenset(
    {"wechat", "wecom", "wechat_group", "official_account", "mini_program", "video_account"}
)
DEFAULT_CHANNEL = "wechat"
