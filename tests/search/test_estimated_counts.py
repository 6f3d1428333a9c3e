"""An estimated count says so in the admin: on PostgreSQL a search matching more scripts than
one ranking block counts them by an estimate (search/backends/postgres_ranked.py), and the
listing's heading reads "约 N 个符合" instead of stating a number it does not have; an exact
count keeps Wagtail's own heading."""

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.search.backends import get_search_backend

from content.models import Script
from search.backends import postgres_ranked
from tests.personas.factories import PersonaFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite and Whoosh count every match exactly",
    ),
]


def member_day_moments(persona, count: int = 30) -> list[Script]:
    """`count` published moments about 会员日 (titles 会员日福利第N弹), indexed at once."""
    scripts = Script.objects.bulk_create(
        Script(kind="moment", persona=persona, title=f"会员日福利第{i}弹", stage="attract",
               messages=[("text", "会员日到啦")], search_text="会员日到啦", live=True)
        for i in range(count)
    )  # fmt: skip
    get_search_backend().add_bulk(Script, scripts)
    return scripts


@pytest.fixture
def moments(monkeypatch):
    monkeypatch.setattr(postgres_ranked, "_ENTRIES", {})
    return member_day_moments(PersonaFactory(slug="xiaomei"))


def heading(response) -> str:
    html = response.content.decode()
    start = html.index('role="alert"')
    return " ".join(html[start : html.index("</h2>", start)].split(">", 1)[1].split())


def test_the_listing_says_about_n_when_the_count_is_estimated(manager_client, moments, monkeypatch):
    url = reverse("wagtailsnippets_content_momentscript:list")
    exact = manager_client.get(url, {"q": "会员日"})
    assert exact.status_code == 200
    assert heading(exact) == "共有 30 个符合" and "data-count-estimated" not in exact.text
    monkeypatch.setattr(postgres_ranked, "BLOCK", 5)  # 30 matches: beyond one block
    estimated = manager_client.get(url, {"q": "会员日"})
    assert estimated.status_code == 200 and "data-count-estimated" in estimated.text
    assert heading(estimated).startswith("约 ") and heading(estimated).endswith(" 个符合")
    assert "约 " + heading(estimated)[2:].split(" ")[0] + " 朋友圈文案" in estimated.text  # footer
    assert "约 30 朋友圈文案" not in exact.text and "30 朋友圈文案" in exact.text
    assert "会员日福利" in estimated.text  # the first page is listed as before
