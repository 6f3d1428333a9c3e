"""Choices owned by the sequences app. Values are part of the delivery API and import format."""

from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

# Every wall-clock time of a sequence (day N at HH:MM, quiet hours, fixed dates) is read in
# this zone: the brands and their members are in mainland China.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")

# The furthest a step may lie from the start (about ten years): a 5,000-day offset is a typo.
MAX_OFFSET_DAYS = 3650


class SequenceTrigger(models.TextChoices):
    """What starts a sequence for one member or group (the bot reports it, with started_at)."""

    FRIEND_ADDED = "friend_added", _("Friend added")
    GROUP_CREATED = "group_created", _("Group created")
    CAMP_START = "camp_start", _("Camp starts")
    PURCHASE = "purchase", _("Purchase")
    CUSTOM = "custom", _("Custom label")


class Timing(models.TextChoices):
    """When a step is due, relative to the start (or at a fixed moment)."""

    DAY = "day", _("Day N at a time of day")
    AFTER = "after", _("Hours or minutes after the start")
    WEEKDAY = "weekday", _("A weekday of cycle week K")
    FIXED = "fixed", _("A fixed date and time")


class OffsetUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    MINUTES = "minutes", _("minutes")


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")
