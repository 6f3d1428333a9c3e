"""Our own interface strings are translated to zh-hans, and the compiled catalog is current."""

import gettext
import json
from pathlib import Path

from django.conf import settings
from django.utils import translation

from personas.models import Persona

PO = Path(settings.BASE_DIR, "locale/zh_Hans/LC_MESSAGES/django.po")
MO = PO.with_suffix(".mo")


def _po_entries() -> dict[str, str]:
    entries: dict[str, str] = {}
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.startswith(('"', "msgid", "msgstr"))]
        if not lines or not lines[0].startswith("msgid"):
            continue
        split = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))

        def text(part):
            return "".join(json.loads(line[line.index('"') :]) for line in part)

        if any(line.startswith("msgid_plural") for line in lines):
            split = next(i for i, line in enumerate(lines) if line.startswith("msgid_plural"))
            first = next(i for i, line in enumerate(lines) if line.startswith("msgstr"))
            entries[text(lines[:split])] = text(lines[first : first + 1])
            continue
        msgid, msgstr = text(lines[:split]), text(lines[split:])
        if msgid:
            entries[msgid] = msgstr
    return entries


def test_every_string_has_a_chinese_translation():
    untranslated = [msgid for msgid, msgstr in _po_entries().items() if not msgstr]
    assert untranslated == []


def test_compiled_catalog_matches_the_po_file():
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = {
        msgid: msgstr for msgid, msgstr in _po_entries().items() if catalog.gettext(msgid) != msgstr
    }
    assert stale == {}, "run `make messages` to recompile locale/zh_Hans"


def test_interface_defaults_to_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Persona._meta.verbose_name) == "人设"
