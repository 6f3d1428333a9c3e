"""The MCP tools: what each takes (a pydantic model → its JSON Schema), what it returns (the
REST endpoint's own response schema) and the function that answers it.

Every function receives the request of the calling bot (``request.auth`` is its ``BotClient``)
and calls what the REST endpoint calls: the same scope rule, the same bodies, the same
``ApiError`` problems (their ``code`` travels into the MCP tool error)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field

from bots.api import record_events
from bots.schemas import Accepted
from compliance.engine import check
from content import api as scripts_api
from content.schemas import Format, KindName, Rendered, ScriptDetail
from core import local
from core.api import MAX_ID, MAX_LIMIT, ApiError
from editorial_calendar.api import entries_for, entry_to_api, span, topic_to_api, topics_between
from editorial_calendar.schemas import ChannelName, EntryList, HotTopicList
from personas import api as personas_api
from personas.brief import build_brief
from personas.schemas import PersonaDetail, PersonaList
from search.api import search_hits
from search.schemas import HitList
from sequences.api import due_body
from sequences.schemas import DueOut

from .schemas import ComplianceReport


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchArgs(Args):
    q: str = Field(description="检索词 / what to search for (1–200 characters)", max_length=1000)
    persona: str | None = Field(None, description="人设 slug / only this persona's scripts")
    kind: KindName | None = Field(None, description="话术类型 / script kind")
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="最多条数 / at most this many")


class ScriptArgs(Args):
    id: int = Field(ge=1, le=MAX_ID, description="话术 id / the script's id")


class RenderArgs(ScriptArgs):
    variables: dict[str, str] = Field(
        default_factory=dict, description="变量值 / values of the script's {{variables}}"
    )
    format: Format = Field(
        "native", description="native（消息结构）| wecom（企业微信）| text（纯文本）"
    )


class NoArgs(Args):
    pass


class PersonaArgs(Args):
    slug: str = Field(max_length=200, description="人设 slug / the persona's slug")


class CalendarArgs(Args):
    date: Date | None = Field(None, description="日期 YYYY-MM-DD，默认今天 / default today")
    persona: str | None = Field(None, description="人设 slug / one persona")
    channel: ChannelName | None = Field(None, description="渠道 / one channel")


class TopicArgs(Args):
    from_: Date | None = Field(None, alias="from", description="起始日期 / from (default today)")
    to: Date | None = Field(None, description="结束日期 / to (default from + 30 days)")


class UsageArgs(Args):
    events: list[dict[str, Any]] = Field(
        description="事件，同 POST /api/v1/events/ / events as POST /api/v1/events/ takes them",
        max_length=10_000,
    )


class SopDueArgs(Args):
    sequence: str = Field(max_length=200, description="SOP slug / the sequence's slug")
    started_at: datetime = Field(
        description="开始时间（须带时区，如 2027-03-01T08:00:00+08:00）/ when the member started"
    )
    now: datetime | None = Field(None, description="当前时间，默认服务器时间 / default: now")
    since: datetime | None = Field(
        None, description="上次查询的 now，默认开始时间 / the previous call's now"
    )
    variables: dict[str, str] | None = Field(
        None, description="变量值 / values of the {{variables}}"
    )


class ComplianceArgs(Args):
    text: str = Field(max_length=20_000, description="待检查文本 / the text to check")
    persona: str | None = Field(None, description="人设 slug：加上其禁用词 / add its banned words")
    channel: ChannelName | None = Field(None, description="渠道 / the channel it is sent on")


def _list(items: list[dict], count: int | None = None) -> dict:
    return {"count": len(items) if count is None else count, "next": None, "items": items}


def visible_persona(request: HttpRequest, slug: str):
    persona = request.auth.visible_personas().filter(slug=slug).first()
    if persona is None:
        raise ApiError(404, "not_found", _("No persona “%(slug)s”.") % {"slug": slug})
    return persona


def search_scripts(request: HttpRequest, args: SearchArgs) -> dict:
    hits = search_hits(request.auth, args.q, args.persona, args.kind, args.limit, ("script",))
    return _list(hits)


class Parsed(dict):
    """A tool's result parsed from the JSON it keeps (``text``), so that the result's text
    content is those very bytes instead of a second serialisation."""

    __slots__ = ("text",)

    def __init__(self, text: bytes):
        super().__init__(json.loads(text))
        self.text = text


def get_script(request: HttpRequest, args: ScriptArgs) -> dict:
    """The REST detail's cached body, parsed once per process and body (read-only)."""
    body = scripts_api.detail_json(request, args.id)
    return local.get_or_put(("parsed", body), lambda: Parsed(body), 3 * len(body))


def render_script(request: HttpRequest, args: RenderArgs) -> dict:
    return scripts_api.render(request, args.id, args.variables, args.format)


def list_personas(request: HttpRequest, args: NoArgs) -> dict:
    personas = personas_api.visible(request).order_by("slug")[:MAX_LIMIT]
    return _list([personas_api.to_api(persona, request) for persona in personas])


def get_persona(request: HttpRequest, args: PersonaArgs) -> dict:
    persona = personas_api.visible(request).filter(slug=args.slug).first()
    if persona is None:
        raise ApiError(404, "not_found", _("No persona “%(slug)s”.") % {"slug": args.slug})
    return {**personas_api.to_api(persona, request), "brief": build_brief(persona)}


def calendar_due(request: HttpRequest, args: CalendarArgs) -> dict:
    day, _end = span(args.date, args.date, 0)  # default today; out-of-range dates: 422
    entries = entries_for(request.auth, day, day, args.persona, args.channel)
    count = entries.count()
    return _list([entry_to_api(entry) for entry in entries[:MAX_LIMIT]], count)


def hot_topics(request: HttpRequest, args: TopicArgs) -> dict:
    start, end = span(args.from_, args.to, 30)
    topics = topics_between(start, end)
    count = topics.count()
    return _list([topic_to_api(topic) for topic in topics[:MAX_LIMIT]], count)


def sop_due(request: HttpRequest, args: SopDueArgs) -> dict:
    return due_body(request, args.sequence, args.started_at, args.now, args.since, args.variables)


def report_usage(request: HttpRequest, args: UsageArgs) -> dict:
    accepted, duplicates = record_events(request.auth, {"events": args.events})
    return {"accepted": accepted, "duplicates": duplicates}


def check_compliance(request: HttpRequest, args: ComplianceArgs) -> dict:
    persona = visible_persona(request, args.persona) if args.persona else None
    report = check(args.text, persona=persona, channel=args.channel)
    return report_to_api(report)


def report_to_api(report) -> dict:
    return {
        "ok": report.ok,
        "rule_version": report.rule_version,
        "findings": [
            {
                "rule": hit.rule,
                "level": hit.level,
                "start": hit.start,
                "end": hit.end,
                "match": hit.match,
                "message": str(hit.message),
                "citation": hit.citation,
                "suggestions": list(hit.suggestions),
            }
            for hit in report.findings
        ],
    }


@dataclass(frozen=True)
class Tool:
    name: str
    title: str
    description: str
    args: type[Args]
    output: type[BaseModel]
    run: Callable[[HttpRequest, Any], dict]
    read_only: bool = True


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in [
        Tool(
            "search_scripts",
            "搜索话术 Search scripts",
            "按关键词搜索可用的话术（繁简通用），最相关的在前。"
            " Search the live scripts this bot may use, best first (Traditional = Simplified).",
            SearchArgs,
            HitList,
            search_scripts,
        ),
        Tool(
            "get_script",
            "获取话术 Get a script",
            "一条话术的全部消息、变量与类型字段。"
            " One script with its variables, messages and the fields of its kind.",
            ScriptArgs,
            ScriptDetail,
            get_script,
        ),
        Tool(
            "render_script",
            "渲染话术 Render a script",
            "用变量值替换 {{变量}}（默认值自动补上），可输出企业微信格式或纯文本。"
            " Fill in the script's {{variables}} (defaults applied); format wecom or text.",
            RenderArgs,
            Rendered,
            render_script,
        ),
        Tool(
            "list_personas",
            "人设列表 List personas",
            "此机器人可用的人设（IP）。 The personas this bot may speak as.",
            NoArgs,
            PersonaList,
            list_personas,
        ),
        Tool(
            "get_persona",
            "获取人设 Get a persona",
            "一个人设，含 brief：可直接用作 LLM 系统提示词。"
            " One persona with its brief, ready as an LLM system prompt.",
            PersonaArgs,
            PersonaDetail,
            get_persona,
        ),
        Tool(
            "calendar_due",
            "当日排期 Calendar due",
            "某一天（默认今天）该发的排期条目及其话术。"
            " The calendar entries due on a day (default today) and their scripts.",
            CalendarArgs,
            EntryList,
            calendar_due,
        ),
        Tool(
            "sop_due",
            "SOP 到点步骤 SOP steps due",
            "某个 SOP（训练营、新好友培育…）对一位成员此刻该发的步骤及消息，已避开免打扰时段；"
            "下次用本次的 now 作为 since，每步只返回一次。"
            " The steps of a sequence due for one member between since and now (out of quiet"
            " hours), with their messages and next_due_at; pass the previous now as since.",
            SopDueArgs,
            DueOut,
            sop_due,
        ),
        Tool(
            "hot_topics",
            "热点日历 Hot topics",
            "一段时间内值得准备的节日与热点（默认今后 30 天）。"
            " Holidays and hot topics worth preparing for (default: the next 30 days).",
            TopicArgs,
            HotTopicList,
            hot_topics,
        ),
        Tool(
            "report_usage",
            "回传数据 Report usage",
            "回传发送、阅读、点击、转化等数据（同 POST /api/v1/events/，幂等键去重）。"
            " Report sent/read/clicked/converted events, as POST /api/v1/events/.",
            UsageArgs,
            Accepted,
            report_usage,
            read_only=False,
        ),
        Tool(
            "check_compliance",
            "合规检查 Check compliance",
            "检查文本中的违禁词、广告法极限词与人设禁用词，给出位置与建议。"
            " Check a text for banned and risky words (with the persona's own), with suggestions.",
            ComplianceArgs,
            ComplianceReport,
            check_compliance,
        ),
    ]
}
