"""Reading and scoring a judged set: label, industry, channel, text (tab-separated)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from compliance.engine import check

HERE = Path(__file__).parent


def load(name: str) -> list[tuple[int, str | None, str | None, str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, industry, channel, text = line.split("\t", 3)
        rows.append((int(label), None if industry == "-" else industry,
                     None if channel == "-" else channel, text))  # fmt: skip
    return rows


def score(rows) -> dict:
    """Recall over violations and false-positive rate over clean sentences. A sentence counts
    as flagged when it has any finding (warnings included: a copywriter sees them too)."""
    caught, misses, alarms = 0, [], []
    positives = sum(1 for row in rows if row[0] == 1)
    negatives = len(rows) - positives
    for label, industry, channel, text in rows:
        persona = (
            SimpleNamespace(industry=industry, banned_words=[], name="测试") if industry else None
        )
        flagged = bool(check(text, persona=persona, channel=channel).findings)
        if label and flagged:
            caught += 1
        elif label:
            misses.append(text)
        elif flagged:
            alarms.append(text)
    return {
        "recall": caught / positives,
        "false_positive_rate": len(alarms) / negatives,
        "positives": positives,
        "negatives": negatives,
        "misses": misses,
        "false_alarms": alarms,
    }
