"""Delivery API: POST /api/v1/compliance/check — the compliance engine for text a bot or an LLM
wrote, the same engine as the admin's gates."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from core.api import ERRORS, ApiError, Problem, json_response, strict_query

from . import engine
from .schemas import MAX_TEXT, CheckIn, CheckOut

router = Router(tags=["compliance"])


def finding(hit: engine.Hit) -> dict:
    return {
        "rule": hit.rule,
        "level": hit.level,
        "start": hit.start,
        "end": hit.end,
        "match": hit.match,
        "message": hit.message,
        "citation": hit.citation,
        "suggestions": list(hit.suggestions),
    }


@router.post(
    "check",
    response={200: CheckOut, **ERRORS, 400: Problem, 404: Problem, 413: Problem},
    summary="Check a text for compliance",
    operation_id="check_compliance",
    url_name="compliance_check",
)
@strict_query
def check_compliance(request: HttpRequest, payload: CheckIn):
    """Findings for one text (at most 20,000 characters): one per phrase, errors first, with
    the rule, the law or platform rule it cites and suggested replacements. `ok` is false when
    any error remains. A persona outside the client's scope is 404."""
    if len(payload.text) > MAX_TEXT:
        raise ApiError(
            413,
            "text_too_long",
            _("The text has %(n)d characters; at most %(max)d are checked at once.")
            % {"n": len(payload.text), "max": MAX_TEXT},
        )
    persona = None
    if payload.persona is not None:
        persona = request.auth.visible_personas().filter(slug=payload.persona).first()
        if persona is None:
            raise ApiError(
                404, "not_found", _("No persona “%(slug)s”.") % {"slug": payload.persona}
            )
    report = engine.check(payload.text, persona=persona, channel=payload.channel)
    return json_response(
        request,
        {
            "ok": report.ok,
            "rule_version": report.rule_version,
            "findings": [finding(hit) for hit in report.findings],
        },
    )
