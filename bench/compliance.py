"""Benchmark: the compliance engine on a 500-character text with every rule pack on.

Run by hand from the project root:
    .venv/bin/python -m bench.compliance [--runs 2000]
It builds a throw-away SQLite database (the seeded packs) in a temporary data folder, switches
every pack on for every industry and channel, and times `compliance.engine.check` as callers
use it (the rule-set version is read from the database on each call). Three texts: Chinese
only, Chinese with Latin letters (which also runs the pinyin pass), and the Chinese text with a
line break after every sentence (the text around each break is matched again). Record the
printed lines in bench/RESULTS.md with the machine and date.
"""

import argparse
import os
import platform
import statistics
import tempfile
import time

os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="siyu-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings.dev")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

CHINESE = (
    "姐妹们晚上好🌸今天给大家带来一款换季必备的修护精华，质地是水润的啫喱，上脸很快就吸收了，"
    "不黏也不搓泥。我自己混油敏感肌，换季的时候脸颊容易泛红，用了两周感觉稳定了很多。"
    "这款是全网最低价，错过今天就没有了！转发这条朋友圈截图给我，就能领取一份小样哦。"
    "第一批发货的宝子注意查收快递，最快明天就能到。你们最喜欢哪个色号？评论区告诉我～"
    "另外提醒一下，敏感肌的姐妹先在耳后试用两三天，没有发红发痒再上脸。效果因人而异，"
    "不一定适合每个人，拿不准的可以先发我一张素颜照，我帮你看看。今晚8点直播间还有抽奖，"
    "送出三支正装唇釉，运气最好的三位宝子记得私聊我领奖。会员日全场95折，积分双倍，"
    "满199减40，可以和会员券叠加使用。囤货之前先翻翻抽屉，缺啥补啥，别为了凑单乱买。"
    "这款精华一周见效，无效退款，绝对安全无副作用。坚持用还能淡斑美白，医美级修复。"
)


def text_of(length: int, base: str) -> str:
    return (base * (length // len(base) + 1))[:length]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--length", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from compliance import engine
    from compliance.models import Rule, RulePack
    from compliance.versions import bump

    call_command("migrate", verbosity=0)
    RulePack.objects.update(channels=[], industries=[])
    bump()
    started = time.perf_counter()
    compiled = engine.compiled()
    compile_ms = (time.perf_counter() - started) * 1000
    rules = Rule.objects.filter(active=True).count()
    words = sum(len(r.terms) + len(r.partners) + len(r.allowed) for r in Rule.objects.all())
    texts = {
        "chinese": text_of(args.length, CHINESE),
        "with latin": text_of(args.length, CHINESE.replace("修护精华", "xiu hu精华 vx")),
        # a moments post as people write it: a line per sentence (line breaks are matched again)
        "multi-line": text_of(args.length, CHINESE.replace("。", "。\n").replace("！", "！\n")),
    }
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"{rules} rules, {words} words, every pack on; compile {compile_ms:.1f} ms "
          f"(version v{compiled.number})")  # fmt: skip
    for name, text in texts.items():
        for _warmup in range(50):
            engine.check(text)
        timings = []
        for _run in range(args.runs):
            started = time.perf_counter()
            report = engine.check(text)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings) * 1000
        p95 = sorted(timings)[int(len(timings) * 0.95)] * 1000
        print(
            f"{name:>10}: {len(text)} chars, {len(report.findings)} findings, "
            f"median {median:.3f} ms, p95 {p95:.3f} ms, {1000 / median:,.0f} checks/s at the "
            f"median ({1 / statistics.mean(timings):,.0f} at the mean)"
        )


if __name__ == "__main__":
    main()
