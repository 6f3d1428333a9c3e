"""locale_wagtail/: our Chinese for Wagtail strings its own zh_Hans catalogue lacks.

Hand-maintained (makemessages only sees our code), so these tests keep it honest: compiled,
placeholders and plural forms as in Wagtail's source, every msgid still one Wagtail uses, and
merged so that our own catalogue wins over it and it wins over Wagtail's.
"""

import ast
import gettext
import json
import re
from pathlib import Path

import pytest
import wagtail
from django.conf import settings
from django.urls import reverse
from django.utils import translation

HERE = Path(settings.BASE_DIR, "locale_wagtail/zh_Hans/LC_MESSAGES")
WAGTAIL = Path(wagtail.__file__).parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}|</?\w+")


def entries(po: Path) -> list[dict]:
    """(msgctxt, msgid, msgid_plural, msgstr) of each entry, the header left out."""
    found, entry, key = [], {}, None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                found.append(entry)
            entry, key = {}, None
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            key, _space, text = line.partition(" ")
            key = "msgstr" if key == "msgstr[0]" else key
            entry[key] = ast.literal_eval(text)
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
    return found


def source_msgids(domain: str) -> set[tuple]:
    """What Wagtail's own (English) catalogues define: (msgctxt, msgid, msgid_plural)."""
    ids = set()
    for po in WAGTAIL.glob(f"**/locale/en/LC_MESSAGES/{domain}.po"):
        for e in entries(po):
            ids.add((e.get("msgctxt"), e["msgid"], e.get("msgid_plural")))
    return ids


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_a_wagtail_string_translated_with_the_same_placeholders(domain):
    known = source_msgids(domain)
    for e in entries(HERE / f"{domain}.po"):
        key = (e.get("msgctxt"), e["msgid"], e.get("msgid_plural"))
        assert key in known, f"not a Wagtail {wagtail.__version__} msgid: {key}"
        assert e["msgstr"], key
        source = e.get("msgid_plural") or e["msgid"]  # one Chinese form serves every count
        assert sorted(PLACEHOLDER.findall(e["msgstr"])) == sorted(PLACEHOLDER.findall(source)), e


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalogue_matches_the_po_file(domain):
    with (HERE / f"{domain}.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for e in entries(HERE / f"{domain}.po"):
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        got = (
            catalog.ngettext(msgid, e["msgid_plural"], 2)
            if "msgid_plural" in e
            else catalog.gettext(msgid)
        )
        assert got == e["msgstr"], f"stale {domain}.mo: run msgfmt (see the .po header)"


def test_ours_win_over_it_and_it_wins_over_wagtails():
    assert [Path(p).name for p in settings.LOCALE_PATHS] == ["locale", "locale_wagtail"]
    with translation.override("zh-hans"):
        assert translation.gettext("New: %(model_name)s") == "新建%(model_name)s"
        assert translation.gettext("Go to the first error") == "跳到第一个错误"
        assert translation.ngettext(
            '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
            '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
            19,
        ).startswith("%(total)s 张图片")
        assert str(translation.gettext("Snippets")) != "Snippets"  # Wagtail's own still there


@pytest.mark.django_db
def test_javascript_catalogue_carries_the_wagtail_js_strings(client):
    body = client.get(reverse("wagtailadmin_javascript_catalog")).content.decode()
    for chinese in ("正在自动保存…", "插入块", "%(num)s 个错误"):
        assert json.dumps(chinese)[1:-1] in body, chinese  # the catalogue escapes non-ASCII


def test_workflow_times_are_chinese():
    from datetime import timedelta

    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone

    with translation.override("zh-hans"):
        assert "ago" not in naturaltime(timezone.now() - timedelta(seconds=35))
