"""The main admin screens, by role, and the user data shown on them (allowed to be Latin)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from taggit.models import Tag
from wagtail.images import get_image_model

from bots.models import BotClient, Webhook
from compliance.models import Rule, RulePack
from content.models import ImportJob, Script
from core import roles
from editorial_calendar.models import CalendarEntry, HotTopic
from personas.models import AudienceSegment, Persona, PersonaChannel
from sequences.models import Sequence

SCRIPT_KINDS = ("moment", "group", "livestream", "chat")


def _snippet(app: str, model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_{app}_{model}:{view}", args=args)


def build_world(make_user) -> dict[str, object]:
    """One of everything the screens list: personas, a script per kind (one moment as a draft in
    moderation), a hot topic, calendar entries, a bot client with a webhook, the three roles."""
    from django.utils import timezone

    from tests.content.factories import (
        ChatScriptFactory,
        GroupScriptFactory,
        LivestreamScriptFactory,
        MomentScriptFactory,
    )
    from tests.editorial_calendar.factories import CalendarEntryFactory, HotTopicFactory
    from tests.personas.factories import PersonaChannelFactory, PersonaFactory

    users = {
        "copywriter": make_user("copywriter", roles.COPYWRITERS),
        "manager": make_user("manager", roles.MANAGERS),
        "admin": make_user("admin", superuser=True),
    }
    persona = PersonaFactory(slug="xiaomei", name="小美", brand="花漾美妆")
    PersonaChannelFactory(persona=persona, channel="wechat", handle="huayang_xiaomei")
    PersonaFactory(slug="dr-lin", name="林营养师", brand="轻食研究所", publish=False)
    topic = HotTopicFactory(name="会员日", slug="member-day", start=timezone.localdate())
    MomentScriptFactory(persona=persona, title="新品上市", tags=["新品"])
    GroupScriptFactory(
        persona=persona,
        title="进群欢迎",
        messages=[("text", "欢迎～"), ("delay", {"seconds": 180}), ("text", "福利在这里")],
    )
    LivestreamScriptFactory(persona=persona, title="周三会员日专场")
    ChatScriptFactory(persona=persona, title="新好友打招呼")
    draft = MomentScriptFactory(persona=persona, title="会员日预热", publish=False)
    draft.get_workflow().start(draft, users["copywriter"])
    CalendarEntryFactory(
        persona=persona, date=timezone.localdate(), title="会员日预热朋友圈", hot_topic=topic,
        script=draft, status="drafting", owner=users["copywriter"],
    )  # fmt: skip
    for user in users.values():  # an admin import whose check found a row error
        ImportJob.objects.create(
            user=user, file_name="话术导入.xlsx", data=b"", state="checked", rows=2, done=2,
            result={"rows": 2, "error_count": 1, "errors": [[3, "title", "标题最多 100 个字符"]],
                    "notes": [], "created": 0, "updated": 0, "unchanged": 0, "published": 0},
        )  # fmt: skip
    from datetime import datetime, time

    from sequences.enums import LOCAL_TZ
    from tests.sequences.factories import SequenceFactory, day

    sequence = SequenceFactory(
        persona=persona, name="新好友培育", slug="new-friend", quiet_start=time(22, 0),
        quiet_end=time(8, 0), start_at=datetime.combine(timezone.localdate(), time(8, 0), LOCAL_TZ),
        steps=[day(0, "10:00", title="打招呼"), day(1, "23:00", title="好物分享")],
    )  # fmt: skip
    # The latest draft has a finding: the 检查 tab and the blocked step show it.
    sequence.steps = [
        *sequence.steps.raw_data,
        day(3, "09:00", title="优惠提醒", messages=[("text", "这是最好用的面霜")]),
    ]
    sequence.save_revision()
    client, _token = BotClient.create("wecom-bot", personas=[persona])
    Webhook.objects.create(client=client, url="https://bot.example.com/hook")
    return {"users": users, "draft": draft}


def screens(role: str) -> dict[str, str]:
    """Screen name → admin URL for what `role` (copywriter, manager, admin) works with."""
    urls = {
        "dashboard": reverse("wagtailadmin_home"),
        "personas": _snippet("personas", "persona", "list"),
        "persona new": _snippet("personas", "persona", "add"),
        "persona edit": _snippet("personas", "persona", "edit", Persona.objects.first().pk),
        "hot topics": _snippet("editorial_calendar", "hottopic", "list"),
        "calendar entries": _snippet("editorial_calendar", "calendarentry", "list"),
        "calendar entry new": _snippet("editorial_calendar", "calendarentry", "add"),
        "calendar entry edit": _snippet(
            "editorial_calendar", "calendarentry", "edit", CalendarEntry.objects.first().pk
        ),
        "calendar": reverse("editorial_calendar:index"),
        "calendar feed": reverse("editorial_calendar:feed"),
        "sensitive dates": _snippet("editorial_calendar", "sensitivedate", "list"),
        "paused dates": _snippet("editorial_calendar", "calendarpause", "list"),
        "images": reverse("wagtailimages:index"),
        "search": reverse("siyu_search_admin") + "?q=會員日",
        "search, filtered": reverse("siyu_search_admin")
        + "?q=会员日&kind=script:moment&status=draft",
        "image new": reverse("wagtailimages:add"),
        "script import": reverse("content_import:index"),
    }
    job = ImportJob.objects.filter(user__username=role).first()
    if job is not None:
        urls["script import check"] = reverse("content_import:job", args=[job.pk])
    for kind in SCRIPT_KINDS:
        model = f"{kind}script"
        script = Script.objects.filter(kind=kind).order_by("pk").first()
        urls[f"{kind} scripts"] = _snippet("content", model, "list")
        urls[f"{kind} new"] = _snippet("content", model, "add")
        urls[f"{kind} edit"] = _snippet("content", model, "edit", script.pk)
    sequence = Sequence.objects.order_by("pk").first()
    if sequence is not None:  # the timeline editor: steps, timeline, checks; duplicate
        urls["sequences"] = _snippet("sequences", "sequence", "list")
        urls["sequence new"] = _snippet("sequences", "sequence", "add")
        urls["sequence edit"] = _snippet("sequences", "sequence", "edit", sequence.pk)
        urls["sequence duplicate"] = _snippet("sequences", "sequence", "copy", sequence.pk)
    draft = Script.objects.filter(live=False).order_by("pk").first()
    if draft is not None:  # in moderation: the workflow banners and the status panel
        urls["draft in moderation"] = _snippet("content", f"{draft.kind}script", "edit", draft.pk)
    if role in {"manager", "admin"}:
        topic = HotTopic.objects.first()
        urls["hot topic new"] = _snippet("editorial_calendar", "hottopic", "add")
        urls["hot topic edit"] = _snippet("editorial_calendar", "hottopic", "edit", topic.pk)
        urls["compliance rules"] = _snippet("compliance", "rule", "list")
        urls["compliance rule edit"] = _snippet(
            "compliance", "rule", "edit", Rule.objects.order_by("pk").first().pk
        )
        urls["compliance rule packs"] = _snippet("compliance", "rulepack", "list")
    if role in {"manager", "admin"}:  # the cockpit's performance panel over 30 days
        urls["dashboard, last 30 days"] = reverse("wagtailadmin_home") + "?days=30"
    if role == "manager":
        urls["compliance records"] = reverse("content_compliance_records")
    if role == "admin":
        urls["bot clients"] = reverse("bots_botclient:index")
        urls["bot client new"] = reverse("bots_botclient:add")
        urls["webhooks"] = reverse("bots_webhook:index")
        urls["webhook new"] = reverse("bots_webhook:add")
        if BotClient.objects.exists():
            client = BotClient.objects.first()
            urls["bot client edit"] = reverse("bots_botclient:edit", args=[client.pk])
        urls["webhook deliveries"] = reverse("bots_webhookdelivery:index")
        if Webhook.objects.exists():
            urls["webhook edit"] = reverse("bots_webhook:edit", args=[Webhook.objects.first().pk])
    return urls


def user_data() -> set[str]:
    """Everything users typed or the demo wrote: it may be Latin (names, slugs, handles)."""
    data: set[str] = set()
    for model, fields in (
        (Persona, ("name", "slug", "brand")),
        (PersonaChannel, ("handle",)),
        (AudienceSegment, ("name",)),
        (Script, ("title", "external_id")),
        (ImportJob, ("file_name",)),
        (Sequence, ("name", "slug")),
        (HotTopic, ("name", "slug")),
        (CalendarEntry, ("title",)),
        (Rule, ("code", "title")),
        (RulePack, ("code", "name")),
        (BotClient, ("name", "token_prefix")),
        (Webhook, ("url",)),
        (Tag, ("name",)),
        (get_image_model(), ("title",)),
        (get_user_model(), ("username", "email", "first_name", "last_name")),
    ):
        for row in model.objects.values_list(*fields):
            data.update(str(value) for value in row if value)
    return data
