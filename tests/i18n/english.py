"""Find English on an admin screen: visible text only, minus code, user data and allowed words.

A fragment is a run of Latin words left in a visible text node (or a placeholder, a button's
value, a page title) after removing what is allowed to be Latin: brand and protocol names,
units, and the screen's user data (names, slugs, handles, tokens), which the caller passes in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4 import BeautifulSoup, Comment

# Latin words a Chinese interface keeps: brands, formats, protocols, units.
ALLOWED = {
    "WeChat", "WeCom", "Wagtail", "API", "ICS", "CSV", "XLSX", "JSONL", "JSON", "URL", "HTTP",
    "HTTPS", "ID", "IP", "HMAC", "SHA", "Bearer", "Webhook", "webhook", "OpenAPI", "curl",
    "iCal", "PNG", "JPG", "JPEG", "GIF", "WEBP", "SVG", "AVIF", "HEIC", "PDF", "KB", "MB", "GB",
    "px", "IPv4", "IPv6", "LLM", "AI", "SMS", "VIP", "QR", "UTC", "GMT", "CST", "AM", "PM",
    "Emoji", "emoji", "App", "app", "Python", "Django", "Markdown", "markdown", "HTML", "Slug",
    "slug", "KOC", "KOL", "ok", "OK", "Tab", "Esc", "Enter", "Ctrl", "Cmd", "Shift",
    "Google", "Outlook",  # calendar apps the feed page names
    "SOP", "sop",  # 标准作业流程: what operators call a sequence
}  # fmt: skip
# Elements whose text is not interface text: code, user input, invisible or decorative parts.
SKIP_TAGS = {"script", "style", "template", "noscript", "code", "pre", "kbd", "samp", "textarea",
             "svg", "option", "head", "input", "select"}  # fmt: skip
SKIP_CLASSES = {"w-sr-only", "visuallyhidden", "sr-only", "w-hidden"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
# Identifiers: slugs, token prefixes, handles, file names, e-mail addresses, URLs, hex digits,
# HTTP header names (X-Signature), {{placeholders}}.
IDENTIFIER = re.compile(
    r"\{\{\w+\}\}|\bX-[A-Z][\w-]+|\S+@\S+|https?://\S+|/\S*"
    r"|\b[\w.-]*[_\d][\w.-]*\b|\b[a-z]+(?:-[a-z0-9]+)+\b|\b\w+\.\w{2,4}\b"
)


def _visible_attributes(tag) -> Iterable[str]:
    if tag.name == "input" and tag.get("type") in {"submit", "button"}:
        yield tag.get("value", "")
    if tag.get("placeholder"):
        yield tag["placeholder"]


def _hidden(tag) -> bool:
    for node in [tag, *tag.parents]:
        if getattr(node, "name", None) in SKIP_TAGS:
            return True
        attrs = getattr(node, "attrs", None) or {}
        # Side panels (status, preview, checks) are hidden until their toggle opens them: shown.
        if ("hidden" in attrs and "data-side-panel" not in attrs) or SKIP_CLASSES & set(
            attrs.get("class", [])
        ):
            return True
    return False


def visible_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    texts = []
    title = soup.find("title")
    if title:
        texts.append(title.get_text(" ", strip=True))
    body = soup.body or soup
    for string in body.find_all(string=True):
        if isinstance(string, Comment) or not string.strip() or _hidden(string.parent):
            continue
        texts.append(" ".join(string.split()))
    for tag in body.find_all(["input", "textarea"]):
        if not _hidden(tag.parent) and tag.get("type") != "hidden":
            texts.extend(t for t in _visible_attributes(tag) if t)
    return texts


def english_fragments(texts: Iterable[str], user_data: Iterable[str] = ()) -> list[str]:
    """The Latin words left in each text once allowed words and user data are taken out."""
    user_data = sorted({d for d in user_data if d and len(d) > 1}, key=len, reverse=True)
    found = []
    for text in texts:
        rest = text
        for datum in user_data:
            rest = rest.replace(datum, " ")
        rest = IDENTIFIER.sub(" ", rest)
        words = [w for w in LATIN_WORD.findall(rest) if w not in ALLOWED]
        if words:
            found.append(text)
    return list(dict.fromkeys(found))


def english_on(html: str, user_data: Iterable[str] = ()) -> list[str]:
    return english_fragments(visible_texts(html), user_data)
