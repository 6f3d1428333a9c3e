from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    PUBLIC_HOLIDAY = "public_holiday", _("Public holiday")
    FESTIVAL = "festival", _("Traditional or lunar festival")
    WESTERN = "western", _("Western or international festival")
    SOLAR_TERM = "solar_term", _("Solar term")
    ECOMMERCE = "ecommerce", _("E-commerce festival")
    INDUSTRY = "industry", _("Industry event")
    BRAND = "brand", _("Brand event")
    MEMBER_DAY = "member_day", _("Member day")
    TRENDING = "trending", _("Trending")


class EntryStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    DRAFTING = "drafting", _("Drafting")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


# Allowed moves. Approving, scheduling and sending back are review actions (managers only);
# nothing reaches "approved" without passing "in_review".
TRANSITIONS: dict[str, set[str]] = {
    EntryStatus.IDEA: {EntryStatus.DRAFTING, EntryStatus.CANCELLED},
    EntryStatus.DRAFTING: {EntryStatus.IDEA, EntryStatus.IN_REVIEW, EntryStatus.CANCELLED},
    EntryStatus.IN_REVIEW: {EntryStatus.APPROVED, EntryStatus.DRAFTING, EntryStatus.CANCELLED},
    EntryStatus.APPROVED: {EntryStatus.SCHEDULED, EntryStatus.DRAFTING, EntryStatus.CANCELLED},
    EntryStatus.SCHEDULED: {EntryStatus.PUBLISHED, EntryStatus.DRAFTING, EntryStatus.CANCELLED},
    EntryStatus.PUBLISHED: set(),
    EntryStatus.CANCELLED: {EntryStatus.IDEA},
}
REVIEW_MOVES = {
    (EntryStatus.IN_REVIEW, EntryStatus.APPROVED),
    (EntryStatus.IN_REVIEW, EntryStatus.DRAFTING),
    (EntryStatus.APPROVED, EntryStatus.SCHEDULED),
    (EntryStatus.APPROVED, EntryStatus.DRAFTING),
    (EntryStatus.SCHEDULED, EntryStatus.DRAFTING),
    (EntryStatus.SCHEDULED, EntryStatus.PUBLISHED),
}
# What bots may act on (API: GET /calendar/).
ACTIONABLE = (EntryStatus.APPROVED, EntryStatus.SCHEDULED, EntryStatus.PUBLISHED)
# Colours of the admin calendar, one per status.
STATUS_COLOURS = {
    EntryStatus.IDEA: "#9e9e9e",
    EntryStatus.DRAFTING: "#1e88e5",
    EntryStatus.IN_REVIEW: "#fb8c00",
    EntryStatus.APPROVED: "#43a047",
    EntryStatus.SCHEDULED: "#00897b",
    EntryStatus.PUBLISHED: "#5e35b1",
    EntryStatus.CANCELLED: "#c62828",
}
CATEGORY_COLOURS = {
    Category.PUBLIC_HOLIDAY: "#e53935",
    Category.FESTIVAL: "#d81b60",
    Category.WESTERN: "#6d4c41",
    Category.SOLAR_TERM: "#7cb342",
    Category.ECOMMERCE: "#fb8c00",
    Category.INDUSTRY: "#546e7a",
    Category.BRAND: "#3949ab",
    Category.MEMBER_DAY: "#8e24aa",
    Category.TRENDING: "#00acc1",
}


class SensitiveRule(models.TextChoices):
    NO_PROMOTION = "no_promotion", _("No promotion")
    TONE = "tone", _("Tone warning")


# Entries that are only plans, not posts: they never count towards a persona's daily load.
NOT_POSTS = (EntryStatus.IDEA, EntryStatus.CANCELLED)
