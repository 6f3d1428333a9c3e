"""Which text encoding an uploaded CSV/JSONL file is in: UTF-8 or GB18030/GBK, or a clear refusal.

GB18030 decodes almost any byte string, Big5 and Shift-JIS included — into mojibake that imported
without a word. So a GB18030 reading is only trusted when its characters are the common ones
(GB2312 covers the simplified characters of everyday text); otherwise the file is refused, with
the encoding it looks like (Big5, Shift-JIS) and how to re-save it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# Of the non-ASCII characters a GBK reading yields, at least this share must be GB2312 ones.
# Real Simplified-Chinese text: ~100 %; Big5 read as GBK ~40 % on average; Shift-JIS ~0 %.
MIN_COMMON_SHARE = 0.8


class EncodingError(ValueError):
    pass


def _resave_hint() -> str:
    return _(
        "Save it as UTF-8 and import again: in Excel, File → Save As → “CSV UTF-8 (Comma "
        "delimited)”; in WPS or a text editor, choose the encoding UTF-8."
    )


def _share(text: str, common) -> float:
    wide = [char for char in text if ord(char) > 127]
    return sum(1 for char in wide if common(char)) / len(wide) if wide else 1.0


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _big5_common(char: str) -> bool:
    """Big5 symbols and level-1 (frequent) characters: lead bytes A1–C6."""
    try:
        encoded = char.encode("big5")
    except UnicodeEncodeError:
        return False
    return 0xA1 <= encoded[0] <= 0xC6


def _is_kana(char: str) -> bool:
    return 0x3040 <= ord(char) <= 0x30FF  # full-width hiragana and katakana


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def likely_encoding(raw: bytes) -> str | None:
    """A name for the encoding the bytes look like, among those people send by mistake."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    big5 = _strict(raw, "big5")
    if big5 is not None and _share(big5, _big5_common) >= 0.9:
        return "Big5"
    shift_jis = _strict(raw, "cp932")
    if shift_jis is not None:
        wide = [char for char in shift_jis if ord(char) > 127]
        if wide and sum(map(_is_kana, wide)) >= 0.1 * len(wide):
            return "Shift-JIS"
    return None


def _damaged_utf8(raw: bytes, error: UnicodeDecodeError) -> EncodingError | None:
    """A file that is mostly UTF-8 with some bad bytes is not GBK: say where the bad bytes are."""
    text = raw.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for char in text if ord(char) > 127) - bad
    if good < 2 * bad:
        return None
    line = raw[: error.start].count(b"\n") + 1
    return EncodingError(
        _("The file is UTF-8 but line %(line)d holds bytes that are not (it was probably edited "
          "with two different encodings). Fix or retype that line, save the file as UTF-8 and "
          "import again.")
        % {"line": line}
    )  # fmt: skip


def decode_text(raw: bytes, notes: list[str]) -> str:
    """The file's text. UTF-8 (with or without BOM) as is; GBK/GB18030 with a note; anything
    else raises ImportFileError naming the likely encoding."""
    from .import_files import ImportFileError

    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        damaged = _damaged_utf8(raw, error)
        if damaged is not None:
            raise ImportFileError(str(damaged)) from error
    text = _strict(raw, "gb18030")
    if text is not None and _share(text, _in_gb2312) >= MIN_COMMON_SHARE:
        notes.append(_("The file is encoded in GBK/GB18030, not UTF-8; it was read as GB18030."))
        return text
    guess = likely_encoding(raw)
    if guess:
        message = _(
            "The file is encoded in %(encoding)s, not UTF-8 or GBK/GB18030; it was not imported."
        ) % {"encoding": guess}
    else:
        message = _(
            "The file is neither UTF-8 nor GBK/GB18030 text (perhaps Big5 or Shift-JIS); it was "
            "not imported."
        )
    raise ImportFileError(f"{message} {_resave_hint()}")
