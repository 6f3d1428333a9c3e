"""Demo sequences (SOP): a 21-day fat-loss camp, new-friend and new-group nurture, waking
dormant customers. Built on the demo personas and scripts (content/demo_data); a sequence whose
slug exists is left as people changed it."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from content.models import Script
from personas.models import Persona

from .enums import LOCAL_TZ, SequenceTrigger, Timing
from .models import Sequence


def _step(timing: str, *, title: str, script: str | None = None, text: str | None = None,
          condition: str = "", **when) -> dict:  # fmt: skip
    value = {"title": title, "timing": timing, "condition": condition,
             "day": None, "time": None, "offset": None, "unit": "hours", "week": None,
             "weekday": None, "at": None, "script": None, "messages": []}  # fmt: skip
    value.update(when)
    if script:
        value["script"] = Script.objects.get(external_id=script).pk
    if text:
        value["messages"] = [{"type": "text", "value": text, "id": str(uuid.uuid4())}]
    return {"type": "step", "value": value, "id": str(uuid.uuid4())}


def day(n: int, clock: str, **kwargs) -> dict:
    return _step(Timing.DAY, day=n, time=clock, **kwargs)


def after(amount: int, unit: str, **kwargs) -> dict:
    return _step(Timing.AFTER, offset=amount, unit=unit, **kwargs)


CHECK_INS = [
    "早安☀️ 减脂营打卡 {n}/21：先喝一杯温水再吃早餐，吃了什么回复一句就算打卡～",
    "打卡 {n}/21 来啦！今天试试把主食换一半成杂粮，早餐吃了什么跟我说说～",
    "早安！打卡 {n}/21：昨晚睡够 7 小时了吗？早餐吃了什么回复我，我逐个看～",
]


def camp_steps() -> list[dict]:
    steps = [
        day(0, "09:00", title="开营欢迎", script="demo-dr-lin-group-01"),
    ]
    for n in range(21):
        text = CHECK_INS[n % len(CHECK_INS)].format(n=n + 1)
        steps.append(day(n, "07:30", title=f"第 {n + 1} 天早餐打卡", text=text))
    for week in (1, 2, 3):
        title = f"第 {week} 周直播答疑"
        steps.append(_step(Timing.WEEKDAY, week=week, weekday="4", time="20:00",
                           title=title, script="demo-dr-lin-group-03"))  # fmt: skip
    steps += [
        day(20, "20:00", title="毕业典礼",
            text="21 天减脂营今天毕业啦🎓 谢谢大家每天认真吃早餐、按时打卡！"
                 "今晚 8 点在群里一起复盘这 21 天，记得来哦～"),
        day(20, "20:30", title="满勤红包和抽奖", script="demo-dr-lin-group-04"),
    ]  # fmt: skip
    return steps


def specs() -> list[dict]:
    return [
        {
            "slug": "fat-loss-camp-21d",
            "name": "21 天减脂训练营",
            "persona": "dr-lin",
            "channel": "wechat_group",
            "trigger": SequenceTrigger.CAMP_START,
            "description": "3 月 1 日开营：每天早餐打卡，每周四晚直播答疑，第 21 天毕业。",
            "quiet_start": time(22, 0),
            "quiet_end": time(8, 0),
            "start_at": datetime(2027, 3, 1, 0, 0, tzinfo=LOCAL_TZ),
            "cycle_days": 21,
            "exit_conditions": ["退营"],
            "steps": camp_steps,
        },
        {
            "slug": "new-friend-nurture",
            "name": "新好友 D0/D1/D3/D7 培育",
            "persona": "xiaomei",
            "channel": "wechat",
            "trigger": SequenceTrigger.FRIEND_ADDED,
            "description": "加好友当天打招呼，第 1 天送护肤小知识，第 3 天给新人券，第 7 天回访。",
            "quiet_start": time(22, 0),
            "quiet_end": time(8, 0),
            "exit_conditions": ["已下单"],
            "steps": lambda: [
                after(5, "minutes", title="打招呼", script="demo-xiaomei-chat-01"),
                day(
                    1,
                    "10:00",
                    title="护肤小知识",
                    text="宝子们早呀～换季脸容易泛红的话，洁面换成氨基酸的，水温别太烫，"
                    "这两步做好就稳一大半啦🌸",
                ),
                day(
                    3,
                    "20:00",
                    title="新人券",
                    condition="未下单",
                    text="给你留了一张新人专享券，满 99 减 20，三天内有效哦～"
                    "想问哪款适合自己随时戳我✨",
                ),
                day(
                    7,
                    "19:30",
                    title="一周回访",
                    text="认识一周啦！最近皮肤状态怎么样？有啥想了解的都可以问我哦～",
                ),
            ],  # fmt: skip
        },
        {
            "slug": "new-group-7d",
            "name": "新群 7 天培育",
            "persona": "amy-assistant",
            "channel": "wechat_group",
            "trigger": SequenceTrigger.GROUP_CREATED,
            "description": "建群当天欢迎，第 1 天发群规，第 3 天答疑，第 6 天会员日红包。",
            "quiet_start": time(22, 0),
            "quiet_end": time(8, 0),
            "exit_conditions": [],
            "steps": lambda: [
                after(0, "minutes", title="进群欢迎", script="demo-amy-assistant-group-01"),
                day(
                    1,
                    "10:00",
                    title="群规",
                    text="各位会员好～本群用于会员权益通知和售后答疑，请勿发广告和链接，"
                    "有问题直接@我就好。",
                ),
                day(
                    3,
                    "12:00",
                    title="午间答疑",
                    text="午休时间来答疑啦：发货、退换、积分兑换的问题都可以在群里问～",
                ),
                day(6, "20:00", title="会员日红包", script="demo-amy-assistant-group-04"),
            ],  # fmt: skip
        },
        {
            "slug": "dormant-wake-up",
            "name": "沉睡 30/60/90 天唤醒",
            "persona": "xiaomei",
            "channel": "wechat",
            "trigger": SequenceTrigger.CUSTOM,
            "custom_trigger": "沉睡客户",
            "description": "30 天未互动起：第 30 天问候，第 60 天体验装，第 90 天回归礼。",
            "quiet_start": time(22, 0),
            "quiet_end": time(8, 0),
            "exit_conditions": ["已回复", "已下单"],
            "steps": lambda: [
                day(
                    30,
                    "19:30",
                    title="30 天老客问候",
                    text="宝子～好久不见呀💕 最近皮肤状态怎么样？换季有任何护肤问题随时来问我～",
                ),
                day(
                    60,
                    "19:30",
                    title="60 天体验装",
                    condition="未回复",
                    text="好久没聊啦～新到的修护精华给老朋友留了体验装，回复「要」我帮你登记🌸",
                ),
                day(
                    90,
                    "19:30",
                    title="90 天回归礼",
                    condition="未回复",
                    text="给你准备了一份回归礼：任意下单送同款小样，本月内有效哦～",
                ),
            ],  # fmt: skip
        },
    ]


def load(stdout) -> None:
    existing = set(Sequence.objects.values_list("slug", flat=True))
    created = 0
    for spec in specs():
        if spec["slug"] in existing:
            continue
        spec = dict(spec)
        persona = Persona.objects.get(slug=spec.pop("persona"))
        sequence = Sequence(persona=persona, steps=spec.pop("steps")(), live=False, **spec)
        sequence.full_clean()
        sequence.save()
        sequence.save_revision().publish()
        created += 1
    stdout.write(f"SOP 序列 sequences: {created} created, {Sequence.objects.count()} in total.")
