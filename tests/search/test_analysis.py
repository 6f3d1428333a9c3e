from search.analysis import (
    add_user_words,
    bigrams,
    highlight,
    index_text,
    normalise,
    query_tokens,
    words,
)


def test_traditional_and_full_width_fold_to_simplified_half_width():
    assert normalise("會員日 雙十一 ＡＢＣ１２３") == "会员日 双十一 abc123"


def test_traditional_and_simplified_queries_analyse_the_same():
    assert query_tokens("會員日") == query_tokens("会员日")
    assert query_tokens("雙十一") == query_tokens("双十一")


def test_domain_words_stay_whole():
    assert "会员日" in words("双十一会员日直播预热话术")
    assert "宝子们" in words("宝子们晚上好")


def test_bigrams_cover_what_jieba_splits_differently_and_single_characters():
    assert "燕窝" in bigrams("燕窝礼盒")
    assert bigrams("燕") == ["燕"]
    tokens = index_text("双十一会员日直播预热话术").split()
    assert {"直播", "会员日", "话术"} <= set(tokens)


def test_punctuation_emoji_and_query_syntax_produce_no_cjk_tokens():
    assert query_tokens("！？。，…") == ([], [])
    assert query_tokens("🌸✨💕") == ([], [])
    assert query_tokens('*:"()') == ([], [])


def test_user_words_are_learned():
    add_user_words(["花漾宠粉季"])
    assert "花漾宠粉季" in words("本周花漾宠粉季开启")


def test_highlight_marks_matches_and_escapes_the_rest():
    html = str(highlight("宝子们！双十一會員日<福利>來了", "会员日"))
    assert "<mark>會員日</mark>" in html
    assert "&lt;福利&gt;" in html
    assert str(highlight("没有匹配<b>", "会员日")) == "没有匹配&lt;b&gt;"
