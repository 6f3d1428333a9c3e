"""A manager searches a big library on PostgreSQL for a word in more scripts than one ranking
block: the listing says "约 N 个符合" (the count is estimated) and lists the newest matches."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite and Whoosh count every match exactly",
    ),
]


@pytest.fixture
def many_member_day_moments(world, monkeypatch):
    """Thirty published moments about 会员日, indexed, and ranking blocks of five (as a
    library of thousands would have with blocks of 500); made before the browser."""
    from personas.models import Persona
    from search.backends import postgres_ranked
    from tests.search.test_estimated_counts import member_day_moments

    monkeypatch.setattr(postgres_ranked, "_ENTRIES", {})
    member_day_moments(Persona.objects.get(name=world.persona_name))
    monkeypatch.setattr(postgres_ranked, "BLOCK", 5)


def test_an_estimated_count_says_about(world, many_member_day_moments, login, page, shoot):
    login("manager")
    page.goto("/admin/snippets/content/momentscript/?q=会员日")
    about = re.compile(r"^\s*约 [\d,]+ 个符合\s*$")
    expect(page.locator("[data-count-estimated]")).to_have_text(about)
    expect(page.get_by_role("link", name="会员日福利第29弹", exact=True)).to_be_visible()
    shoot("search-estimated-count")
