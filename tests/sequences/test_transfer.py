"""export_sequences / import_sequences: a round trip keeps step ids; a bad row saves nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from sequences.models import Sequence
from tests.content.factories import ChatScriptFactory

from .factories import SequenceFactory, day

pytestmark = pytest.mark.django_db


def test_round_trip_keeps_everything_and_step_ids(tmp_path):
    script = ChatScriptFactory(external_id="hello")
    sequence = SequenceFactory(persona=script.persona, slug="welcome", cycle_days=7,
                               steps=[day(0, "10:00", script=script), day(1, "09:00")])  # fmt: skip
    path = tmp_path / "sequences.jsonl"
    call_command("export_sequences", str(path))
    row = json.loads(path.read_text(encoding="utf-8"))
    assert row["steps"][0]["script"] == "hello" and row["steps"][1]["messages"]
    ids = sequence.step_ids()
    sequence.delete()
    call_command("import_sequences", str(path), "--publish")
    again = Sequence.objects.get(slug="welcome")
    assert again.live and again.step_ids() == ids and again.cycle_days == 7


def test_one_bad_row_and_nothing_is_saved(tmp_path):
    script = ChatScriptFactory(external_id="hello")
    good = {"slug": "ok", "name": "好", "persona": script.persona.slug, "channel": "wechat",
            "trigger": "friend_added", "steps": [{"timing": "day", "day": 1, "time": "09:00",
                                                  "script": "hello"}]}  # fmt: skip
    bad = good | {"slug": "bad", "steps": [{"timing": "day", "day": 5000, "time": "09:00",
                                           "script": "hello"}]}  # fmt: skip
    unknown = good | {"slug": "unknown", "steps": [{"timing": "day", "day": 1, "time": "09:00",
                                                   "script": "nope"}]}  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, bad, unknown)),
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(CommandError):
        call_command("import_sequences", str(path))
    assert not Sequence.objects.exists()
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    call_command("import_sequences", str(path), "--publish")
    assert Sequence.objects.get(slug="ok").live


@pytest.fixture
def one_row(tmp_path):
    script = ChatScriptFactory(external_id="hello")
    row = {"slug": "ok", "name": "好", "persona": script.persona.slug, "channel": "wechat",
           "trigger": "friend_added", "steps": [{"timing": "day", "day": 1, "time": "09:00",
                                                 "script": "hello"}]}  # fmt: skip
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    return path


def test_another_import_holding_the_lock_is_a_clear_error_and_nothing_is_saved(
    one_row, monkeypatch
):
    from contextlib import contextmanager

    from content.import_lock import ImportBusy
    from sequences import transfer

    @contextmanager
    def busy():
        raise ImportBusy("另一个导入正在进行")
        yield  # pragma: no cover

    monkeypatch.setattr(transfer, "import_lock", busy)
    result = transfer.import_file(one_row, publish=True)
    assert [str(error) for error in result.errors] == ["文件: 另一个导入正在进行"]
    assert (result.created, result.updated) == (0, 0) and not Sequence.objects.exists()
    with pytest.raises(CommandError):  # the command says so, without a traceback
        call_command("import_sequences", str(one_row))


def test_a_database_refusal_mid_import_is_a_clear_error_and_nothing_is_saved(one_row, monkeypatch):
    from django.db import DatabaseError

    from sequences import transfer

    def refuse(*args, **kwargs):
        raise DatabaseError("could not obtain lock on row")

    monkeypatch.setattr(Sequence, "save_revision", refuse)
    result = transfer.import_file(one_row, publish=True)
    assert len(result.errors) == 1 and "could not obtain lock on row" in result.errors[0].message
    assert (result.created, result.updated) == (0, 0) and not Sequence.objects.exists()
