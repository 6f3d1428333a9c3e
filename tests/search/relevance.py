"""A judged relevance set over the demo content: queries a copywriter or bot would type, and
the demo scripts (by external_id) a person judged relevant. Used by test_relevance.py for both
backends; extend it when the demo grows."""

JUDGED = {
    "配料表": ["demo-dr-lin-moment-01", "demo-dr-lin-livestream-02", "demo-dr-lin-moment-05",
            "demo-dr-lin-chat-04"],
    "太贵了": ["demo-xiaomei-chat-02", "demo-dr-lin-chat-02"],
    "會員日": ["demo-xiaomei-livestream-03", "demo-dr-lin-group-05", "demo-amy-assistant-moment-01",
            "demo-amy-assistant-group-04", "demo-xiaomei-chat-06"],
    "红包": ["demo-xiaomei-group-03", "demo-dr-lin-group-04", "demo-amy-assistant-group-04"],
    "抽奖": ["demo-xiaomei-group-04", "demo-dr-lin-group-04", "demo-amy-assistant-group-04"],
    "过敏": ["demo-xiaomei-chat-03", "demo-dr-lin-chat-04", "demo-amy-assistant-chat-04"],
    "雙11": ["demo-xiaomei-group-05", "demo-amy-assistant-group-03"],
    "物流": ["demo-amy-assistant-moment-02", "demo-amy-assistant-chat-02",
           "demo-amy-assistant-group-05"],
    "修护精华": ["demo-xiaomei-moment-01", "demo-xiaomei-livestream-01", "demo-xiaomei-chat-04",
             "demo-draft-01"],
    "打卡营": ["demo-dr-lin-group-01", "demo-dr-lin-moment-04", "demo-dr-lin-livestream-03",
            "demo-dr-lin-livestream-05", "demo-dr-lin-chat-05", "demo-dr-lin-group-02"],
    "售后": ["demo-amy-assistant-moment-03", "demo-amy-assistant-group-02",
           "demo-amy-assistant-livestream-02", "demo-amy-assistant-chat-03",
           "demo-amy-assistant-chat-04"],
    "618": ["demo-xiaomei-moment-02", "demo-dr-lin-moment-03"],
    "早餐": ["demo-dr-lin-group-02", "demo-dr-lin-livestream-04"],
    "老带新": ["demo-xiaomei-moment-04", "demo-amy-assistant-moment-05",
            "demo-amy-assistant-livestream-05", "demo-dr-lin-livestream-05"],
    "新人礼": ["demo-xiaomei-group-01", "demo-xiaomei-chat-01"],
}  # fmt: skip


def evaluate(run) -> tuple[float, float, dict]:
    """recall@10 and MRR of `run(query) -> [external_id, ...]` over JUDGED."""
    recalls, reciprocal_ranks, detail = [], [], {}
    for query, relevant in JUDGED.items():
        ranked = run(query)[:10]
        found = [doc for doc in ranked if doc in relevant]
        recalls.append(len(found) / min(len(relevant), 10))
        first = next((i for i, doc in enumerate(ranked, 1) if doc in relevant), None)
        reciprocal_ranks.append(1 / first if first else 0.0)
        detail[query] = (len(found), len(relevant), first)
    return sum(recalls) / len(recalls), sum(reciprocal_ranks) / len(reciprocal_ranks), detail
