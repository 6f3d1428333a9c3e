"""FastGPT's "API 文件库" (API file library): ``/api/v1/fastgpt/v1/file/list|content|read``.

The bot's personas are folders, each holding one folder per script kind, holding the scripts as
files; a file's content is the script as plain text (``content.formats.to_text``). Same tokens,
scope and rate limit as the REST API; answers in FastGPT's ``{code, success, message, data}``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from wagtail.admin.admin_url_finder import AdminURLFinder

from content import api as scripts_api
from content.enums import Kind
from content.formats import to_text
from core.api import MAX_ID, Problem, invalid, iso, strict_query
from core.api.input_guard import parse_json
from search.api import search_hits

from .auth import check
from .schemas import FastGPTResponse, FileListIn

router = Router(tags=["fastgpt"])
RESPONSES = {200: FastGPTResponse, 400: Problem, 401: FastGPTResponse, 404: FastGPTResponse,
             422: Problem, 429: FastGPTResponse, 503: Problem}  # fmt: skip
MAX_FILES = 1000  # per folder listing


def _answer(data=None, status: int = 200, message: str = "", headers=None) -> JsonResponse:
    body = {"code": status, "success": status == 200, "message": message, "data": data}
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response.foreign_error_format = True  # not turned into a problem document (ApiMiddleware)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _refused(request: HttpRequest):
    refusal = check(request)
    if refusal is None:
        return None
    return _answer(None, refusal.status, refusal.detail, refusal.headers)


def _not_found(file_id: str) -> JsonResponse:
    return _answer(None, 404, _("No file %(id)s.") % {"id": file_id})


def _item(id_, parent, name, type_, updated, created=None) -> dict:
    return {"id": id_, "parentId": parent, "name": name, "type": type_,
            "updateTime": iso(updated), "createTime": iso(created or updated)}  # fmt: skip


def _file(script, parent: str) -> dict:
    return _item(f"script:{script.pk}", parent, f"{script.title}.txt", "file",
                 script.updated_at, script.first_published_at)  # fmt: skip


def _scripts(request: HttpRequest):
    return scripts_api.visible_scripts(request).select_related("persona")


def _folder(personas, parent: str) -> tuple[object, str | None] | None:
    """(persona, kind or None) of the folder `parent` ("persona:<slug>" or
    "kind:<slug>:<kind>") among `personas`; None when it is not a folder the bot sees."""
    what, _sep, rest = parent.partition(":")
    slug, kind = (rest, None) if what == "persona" else rest.partition(":")[::2]
    if what not in ("persona", "kind") or (what == "kind" and kind not in Kind.values):
        return None
    persona = personas.filter(slug=slug).first()
    return None if persona is None else (persona, kind)


def listing(request: HttpRequest, parent: str | None, search_key: str | None) -> list[dict] | None:
    """The children of `parent` (None: the root), or the files inside it matching `search_key`;
    None when `parent` is not a folder the bot sees."""
    personas = request.auth.visible_personas()
    folder = _folder(personas, parent) if parent else (None, None)
    if folder is None:
        return None
    persona, kind = folder
    if search_key and search_key.strip():
        slug = persona.slug if persona else None
        hits = search_hits(request.auth, search_key, slug, kind, 100, ("script",))
        scripts = _scripts(request).filter(pk__in=[hit["id"] for hit in hits])
        return [_file(s, f"kind:{s.persona.slug}:{s.kind}") for s in scripts]
    if persona is None:
        return [_item(f"persona:{p.slug}", None, p.name, "folder", p.updated_at,
                      p.first_published_at) for p in personas.order_by("slug")]  # fmt: skip
    if kind is None:
        kinds = set(_scripts(request).filter(persona=persona).values_list("kind", flat=True))
        return [
            _item(f"kind:{persona.slug}:{kind}", parent, str(label), "folder", persona.updated_at)
            for kind, label in Kind.choices
            if kind in kinds
        ]
    scripts = _scripts(request).filter(persona=persona, kind=kind).order_by("title", "pk")
    return [_file(script, parent) for script in scripts[:MAX_FILES]]


def _script_id(file_id: str) -> int | None:
    what, _sep, rest = file_id.partition(":")
    if what != "script" or not rest.isdigit() or int(rest) > MAX_ID:
        return None
    return int(rest)


@router.post("v1/file/list", auth=None, throttle=[], response=RESPONSES,
             summary="FastGPT file library: list", operation_id="fastgpt_file_list",
             url_name="fastgpt_file_list")  # fmt: skip
@strict_query
def file_list(request: HttpRequest, payload: FileListIn):
    """Personas (folders) → kinds (folders) → scripts (files); `searchKey` searches scripts."""
    if not isinstance(parse_json(request.body or b"{}"), dict):  # every field is optional
        raise invalid(["body"], _("Send a JSON object."))
    refused = _refused(request)
    if refused is not None:
        return refused
    items = listing(request, payload.parentId, payload.searchKey)
    if items is None:
        return _not_found(payload.parentId or "")
    return _answer(items)


@router.get("v1/file/content", auth=None, throttle=[], response=RESPONSES,
            summary="FastGPT file library: content", operation_id="fastgpt_file_content",
            url_name="fastgpt_file_content")  # fmt: skip
@strict_query
def file_content(request: HttpRequest, id: str = Query(..., max_length=100)):  # noqa: A002
    """A script as plain text: `{title, content}`."""
    refused = _refused(request)
    if refused is not None:
        return refused
    pk = _script_id(id)
    data = scripts_api.details(request, [pk]).get(pk) if pk else None
    if data is None:
        return _not_found(id)
    return _answer({"title": data["title"], "content": to_text(data)})


@router.get("v1/file/read", auth=None, throttle=[], response=RESPONSES,
            summary="FastGPT file library: read link", operation_id="fastgpt_file_read",
            url_name="fastgpt_file_read")  # fmt: skip
@strict_query
def file_read(request: HttpRequest, id: str = Query(..., max_length=100)):  # noqa: A002
    """`{url}`: where a person reads the script (its page in the admin; sign-in required)."""
    refused = _refused(request)
    if refused is not None:
        return refused
    pk = _script_id(id)
    script = _scripts(request).filter(pk=pk).first() if pk else None
    if script is None:
        return _not_found(id)
    url = AdminURLFinder().get_edit_url(script.as_kind())
    return _answer({"url": request.build_absolute_uri(url)})
