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
