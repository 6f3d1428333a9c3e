"""The 21-day camp the engine and API tests drive (the demo has its own copy in Chinese)."""

from datetime import datetime, time

from sequences.enums import LOCAL_TZ, Timing

from .factories import day, step

CAMP_START = datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ)


def camp_steps() -> list[dict]:
    steps = [day(n, "07:30", title=f"第 {n + 1} 天打卡") for n in range(21)]
    steps += [
        step(Timing.WEEKDAY, week=k, weekday=3, time_="20:00", title=f"第 {k} 周直播课")
        for k in (1, 2, 3)
    ]
    steps.append(day(20, "21:00", title="毕业典礼"))
    steps.append(step(Timing.AFTER, offset=30, unit="minutes", title="开营欢迎"))
    steps.append(day(2, "23:30", title="夜间提醒（会被挪到早上）", condition="未下单"))
    return steps


CAMP = {
    "steps": camp_steps,
    "quiet_start": time(22, 0),
    "quiet_end": time(8, 0),
    "cycle_days": 21,
    "start_at": CAMP_START,
}


def in_quiet(moment: datetime) -> bool:
    clock = moment.astimezone(LOCAL_TZ).time()
    return clock >= time(22, 0) or clock < time(8, 0)
