"""The detector itself: it catches interface English and leaves code, identifiers and data."""

from .english import english_on


def test_interface_english_is_found():
    html = """<body><h2>New: 人设</h2><td>True</td><p>19 Images</p>
        <input type="text" placeholder="Search all pages…"><span hidden>None</span>
        <div data-side-panel="status" hidden><p>Status Live</p></div></body>"""
    assert english_on(html) == [
        "New: 人设",
        "True",
        "19 Images",
        "Status Live",
        "Search all pages…",
    ]


def test_code_identifiers_brands_and_user_data_are_allowed():
    html = """<body><title>私域</title><code>curl -H "Authorization: Bearer x"</code>
        <p>企微 WeCom 与 WeChat 的 API、ICS、CSV</p><p>xiaomei · amy-assistant · siyu_6Zzt</p>
        <p>用 {{nickname}} 称呼，签名头 X-Signature</p><p>Amy助理</p>
        <span class="w-sr-only">Search</span><textarea>hello world</textarea></body>"""
    assert english_on(html, user_data=["Amy助理", "xiaomei"]) == []  # slugs come as data
