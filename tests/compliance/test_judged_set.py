"""The engine on judged sentences (tests/compliance/*.tsv): recall ≥ 0.9, false positives ≤ 0.1.

judged_set.tsv was written while the rules were built. heldout_set.tsv was written after the
engine was done: its first run gave recall 0.85 (35/41) and no false positive; the classes of its
misses were then covered by general rules, so it is development data now. heldout2_set.tsv was
written after that and scored once, untuned: recall 0.95 (36/38), false positives 0/30."""

import pytest

from .judged import load, score

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["judged_set.tsv", "heldout_set.tsv", "heldout2_set.tsv"])
def test_recall_and_false_positive_rate(name):
    rows = load(name)
    result = score(rows)
    assert result["positives"] >= 25 and result["negatives"] >= 25
    assert result["recall"] >= 0.9, result["misses"]
    assert result["false_positive_rate"] <= 0.1, result["false_alarms"]


def test_the_judged_set_is_big_enough_and_has_evasions():
    rows = load("judged_set.tsv")
    assert len(rows) >= 150
    texts = "".join(row[3] for row in rows)
    for evasion in ("網", "ＮＯ", "zui", "wei xin", "第1", " 最 ", "薇"):
        assert evasion in texts
