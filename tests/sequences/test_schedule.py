"""The due engine (sequences/schedule.py): pure, no database."""

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.blocks import StreamBlock

from sequences import schedule
from sequences.blocks import StepBlock
from sequences.enums import LOCAL_TZ, Timing

from .camp import CAMP, CAMP_START, in_quiet
from .factories import day, step

STREAM = StreamBlock([("step", StepBlock())])


def seq(steps, quiet_start=None, quiet_end=None, cycle_days=None, start_at=None):
    value = STREAM.to_python([dict(s) for s in steps])
    return SimpleNamespace(
        steps=value, quiet_start=quiet_start, quiet_end=quiet_end,
        cycle_days=cycle_days, start_at=start_at,
    )  # fmt: skip


def camp():
    return seq(CAMP["steps"](), CAMP["quiet_start"], CAMP["quiet_end"], 21, CAMP_START)


def test_every_hour_of_the_camp_returns_each_step_once_and_never_in_quiet_hours():
    sequence = camp()
    seen: list[str] = []
    since = CAMP_START
    for hour in range(21 * 24 + 1):
        now = CAMP_START + timedelta(hours=hour)
        result = schedule.due(sequence, CAMP_START, now, since=since)
        for item in result.steps:
            assert since <= item.at <= now
            assert not in_quiet(item.at), item.block.value["title"]
        seen += [item.id for item in result.steps]
        if result.next_due_at is not None:
            assert result.next_due_at > now
        since = now
    assert sorted(seen) == sorted(block.id for block in sequence.steps)
    assert len(seen) == len(set(seen))


def test_check_ins_at_0730_move_to_the_end_of_quiet_hours():
    sequence = camp()
    first = schedule.due(sequence, CAMP_START, CAMP_START + timedelta(hours=9))
    titles = [item.block.value["title"] for item in first.steps]
    assert titles == ["开营欢迎", "第 1 天打卡"]
    assert first.steps[1].at == datetime(2027, 3, 1, 8, 0, tzinfo=LOCAL_TZ)
    assert first.steps[0].at == datetime(2027, 3, 1, 8, 0, tzinfo=LOCAL_TZ)  # 00:30 is quiet too


def test_a_late_step_wraps_to_the_next_morning():
    late = schedule.timeline(camp(), CAMP_START)
    night = next(item for item in late if item.block.value["title"].startswith("夜间"))
    assert night.nominal == datetime(2027, 3, 3, 23, 30, tzinfo=LOCAL_TZ)
    assert night.at == datetime(2027, 3, 4, 8, 0, tzinfo=LOCAL_TZ)


def test_weekday_of_cycle_week():
    # 2027-03-01 is a Monday: Wednesday of week 2 is 03-10.
    items = schedule.timeline(camp(), CAMP_START)
    live = [item.at for item in items if "直播" in item.block.value["title"]]
    assert live == [datetime(2027, 3, d, 20, 0, tzinfo=LOCAL_TZ) for d in (3, 10, 17)]


def test_next_due_at_and_nothing_due_yet():
    sequence = seq([day(1, "10:00")])
    result = schedule.due(sequence, CAMP_START, CAMP_START + timedelta(hours=1))
    assert result.steps == []
    assert result.next_due_at == datetime(2027, 3, 2, 10, 0, tzinfo=LOCAL_TZ)


def test_a_step_at_the_very_start_is_due_on_the_first_call():
    sequence = seq([step(Timing.AFTER, offset=0, unit="minutes")])
    assert len(schedule.due(sequence, CAMP_START, CAMP_START).steps) == 1
    later = CAMP_START + timedelta(minutes=5)
    assert (
        schedule.due(sequence, CAMP_START, later, since=CAMP_START + timedelta(minutes=1)).steps
        == []
    )


def test_relative_steps_before_the_start_are_due_at_the_start_fixed_ones_are_skipped():
    started = datetime(2027, 3, 1, 10, 0, tzinfo=LOCAL_TZ)
    sequence = seq([day(0, "09:00"), step(Timing.FIXED, at=datetime(2027, 2, 28, 9, 0))])
    items = schedule.timeline(sequence, started)
    assert [item.at for item in items] == [started]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"now": CAMP_START - timedelta(minutes=1)}, "now_before_start"),
        ({"now": datetime(2027, 3, 2, 8, 0)}, "naive_datetime"),
        ({"started_at": datetime(2027, 3, 1)}, "naive_datetime"),
        ({"since": CAMP_START - timedelta(days=1)}, "since_before_start"),
        ({"since": CAMP_START + timedelta(days=9)}, "since_after_now"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, code):
    args = {"started_at": CAMP_START, "now": CAMP_START + timedelta(days=1)} | kwargs
    with pytest.raises(schedule.ScheduleError) as caught:
        schedule.due(camp(), **args)
    assert caught.value.code == code


def test_quiet_hours_leaving_no_time_are_an_error():
    with pytest.raises(schedule.ScheduleError) as caught:
        schedule.timeline(seq([day(0)], time(0, 0), time(0, 0)), CAMP_START)
    assert caught.value.code == "quiet_hours_all_day"


steps_strategy = st.lists(
    st.one_of(
        st.builds(lambda d, h, m: day(d, f"{h:02d}:{m:02d}"),
                  st.integers(0, 40), st.integers(0, 23), st.integers(0, 59)),
        st.builds(lambda n, u: step(Timing.AFTER, offset=n, unit=u),
                  st.integers(0, 2000), st.sampled_from(["hours", "minutes"])),
        st.builds(lambda k, w, h: step(Timing.WEEKDAY, week=k, weekday=w, time_=f"{h:02d}:15"),
                  st.integers(1, 6), st.integers(1, 7), st.integers(0, 23)),
    ),
    min_size=1, max_size=12,
)  # fmt: skip
clock = st.builds(time, st.integers(0, 23), st.sampled_from([0, 30]))


@settings(max_examples=60, deadline=None)
@given(
    steps=steps_strategy,
    quiet=st.one_of(st.none(), st.tuples(clock, clock).filter(lambda q: q[0] != q[1])),
    start_minutes=st.integers(0, 7 * 1440),
    cuts=st.lists(st.integers(1, 60 * 24 * 60), min_size=1, max_size=20),
)
def test_windows_partition_the_timeline(steps, quiet, start_minutes, cuts):
    """However the calls are spaced, every step is due once, out of quiet hours, not before
    its nominal time nor the start."""
    quiet_start, quiet_end = quiet or (None, None)
    sequence = seq(steps, quiet_start, quiet_end)
    started = CAMP_START + timedelta(minutes=start_minutes)
    end = started + timedelta(days=100)
    moments = sorted({started + timedelta(minutes=c) for c in cuts}) + [end]
    seen, since = [], started
    for now in moments:
        result = schedule.due(sequence, started, now, since=since)
        seen += [item.id for item in result.steps]
        since = now
    timeline = schedule.timeline(sequence, started)
    assert sorted(seen) == sorted(item.id for item in timeline if item.at <= end)
    for item in timeline:
        assert item.at >= max(item.nominal, started)
        if quiet:
            window = schedule.quiet_window(*quiet)
            assert schedule.out_of_quiet(item.at, window) == item.at


def test_the_window_is_the_steps_in_since_now_by_their_definition():
    """``window`` bisects; rule 4 read literally (a step due at the start counts when since is
    the start) gives the same steps and next time for every pair of half hours of the camp."""
    sequence = camp()
    items = schedule.timeline(sequence, CAMP_START)
    ats = [item.at for item in items]
    moments = [CAMP_START + timedelta(minutes=30 * n) for n in range(22 * 48)]
    for since in moments[::7]:
        for now in moments:
            if now < since:
                continue
            lo, hi = schedule.window(ats, CAMP_START, now, since)
            due = [
                item
                for item in items
                if since < item.at <= now or (since == CAMP_START and item.at == since)
            ]
            later = [item.at for item in items if item.at > now]
            assert items[lo:hi] == due
            assert (ats[hi] if hi < len(ats) else None) == (later[0] if later else None)
