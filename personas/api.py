"""Delivery API: personas (GET /api/v1/personas/, /api/v1/personas/{slug}/)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from wagtail.images import get_image_model

from core.api import (
    DEFAULT_LIMIT,
    ERRORS,
    MAX_LIMIT,
    ApiError,
    Problem,
    aware,
    cached_answer,
    conditional,
    iso,
    memo,
    page,
    strict_query,
)
from core.images import image_dict, with_renditions

from .brief import build_brief
from .models import Persona
from .schemas import PersonaDetail, PersonaList

router = Router(tags=["personas"])


def _queryset(request: HttpRequest):
    """Published personas in the calling bot's scope, with images and channels."""
    images = with_renditions(get_image_model().objects.all())
    return (
        # Images by prefetch (not select_related) so that their renditions come along too.
        request.auth.visible_personas().prefetch_related(
            Prefetch("avatar", queryset=images),
            Prefetch("cover", queryset=images),
            "channels",
        )
    )


def visible(request: HttpRequest):
    """The personas the calling bot may see, with images and channels (MCP's tools use it)."""
    return _queryset(request)


def to_api(persona: Persona, request: HttpRequest) -> dict:
    absolute = request.build_absolute_uri
    return {
        "slug": persona.slug,
        "name": persona.name,
        "brand": persona.brand,
        "archetype": persona.archetype,
        "positioning": persona.positioning,
        "signature": persona.signature,
        "bio": persona.bio,
        "relationship": persona.relationship,
        "avatar": image_dict(persona.avatar, absolute=absolute),
        "cover": image_dict(persona.cover, absolute=absolute),
        "voice": {
            "tone": list(persona.tone_words or []),
            "catchphrases": list(persona.catchphrases or []),
            "address_terms": list(persona.address_terms or []),
            "emoji_style": persona.emoji_style,
            "sign_off": persona.sign_off,
            "banned_words": list(persona.banned_words or []),
            "examples": {
                "do": list(persona.do_examples or []),
                "dont": list(persona.dont_examples or []),
            },
        },
        "channels": [
            {
                "channel": account.channel,
                "handle": account.handle,
                "note": account.note,
                "capacity": account.capacity,
                "daily_post_limit": account.daily_post_limit,
            }
            for account in persona.channels.all()
        ],
        "updated_at": iso(persona.updated_at),
    }


@router.get(
    "",
    response={200: PersonaList, **ERRORS},
    summary="List personas",
    operation_id="list_personas",
    url_name="personas",
)
@strict_query
def list_personas(
    request: HttpRequest,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0),
    updated_since: datetime | None = None,
):
    """Published personas in the client's scope, by slug."""

    def build():
        personas = _queryset(request).order_by("slug")
        if updated_since:
            personas = personas.filter(updated_at__gt=aware(updated_since))
        return page(
            request, personas, limit, offset, lambda items: [to_api(p, request) for p in items]
        )

    return cached_answer(request, build)


@router.get(
    "{slug}/",
    response={200: PersonaDetail, **ERRORS, 404: Problem},
    summary="One persona",
    operation_id="get_persona",
    url_name="persona",
)
@strict_query
def get_persona(request: HttpRequest, slug: str):
    """A persona with its brief: the persona as an LLM system prompt."""
    stamp = memo(
        request,
        ("persona-stamp", request.auth.pk, slug),
        lambda: (
            request.auth.visible_personas()
            .filter(slug=slug)
            .values_list("pk", "updated_at", "live_revision_id")
            .first()
        ),
    )
    if stamp is None:
        raise ApiError(404, "not_found", _("No persona “%(slug)s”.") % {"slug": slug})

    def build():
        persona = _queryset(request).get(pk=stamp[0])
        return {**to_api(persona, request), "brief": build_brief(persona)}

    return conditional(request, "persona", stamp, build)
