"""Sequences in the admin search (/admin/find/): a copywriter searching 训练营 finds the camp,
drafts too; only users who may view sequences; never bots."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from search.query import search
from tests.personas.factories import PersonaFactory
from tests.search.test_admin_search import URL, results

from .factories import SequenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camps():
    xiaomei = PersonaFactory(slug="xiaomei", name="小美")
    live = SequenceFactory(persona=xiaomei, name="21天减脂训练营", slug="camp-21",
                           trigger="camp_start", channel="wechat_group")  # fmt: skip
    draft = SequenceFactory(persona=xiaomei, name="春季训练营（草稿）", slug="camp-spring",
                            publish=False)  # fmt: skip
    other = SequenceFactory(persona=PersonaFactory(slug="ajie", name="阿杰"),
                            name="阿杰的训练营", slug="ajie-camp", custom_trigger="报名成功",
                            trigger="custom")  # fmt: skip
    SequenceFactory(persona=xiaomei, name="新好友培育", slug="nurture")
    return {"persona": xiaomei, "live": live, "draft": draft, "other": other}


def test_a_copywriter_finds_camps_with_status_persona_and_editor_link(copywriter_client, camps):
    response = copywriter_client.get(URL, {"q": "训练营"})
    found = results(response)
    assert {t for t in found if t[0] == "sequence"} == {
        ("sequence", "21天减脂训练营"), ("sequence", "春季训练营（草稿）"),
        ("sequence", "阿杰的训练营"),
    }  # fmt: skip
    hit = next(h for h in response.context["results"] if h["type"] == "sequence"
               and "减脂" in str(h["title"]))  # fmt: skip
    assert hit["status"] == "live" and "小美" in hit["detail"]
    assert hit["url"] == reverse("wagtailsnippets_sequences_sequence:edit",
                                 args=[camps["live"].pk])  # fmt: skip
    assert "<mark>" in str(hit["title"]) and hit["url"] in response.content.decode()
    drafts = results(copywriter_client.get(URL, {"q": "训练营", "status": "draft"}))
    assert ("sequence", "春季训练营（草稿）") in drafts
    assert ("sequence", "21天减脂训练营") not in drafts
    mine = results(copywriter_client.get(URL, {"q": "训练营", "persona": camps["persona"].pk}))
    assert ("sequence", "阿杰的训练营") not in mine
    only = results(copywriter_client.get(URL, {"q": "报名成功", "kind": "sequence"}))
    assert only == [("sequence", "阿杰的训练营")]  # by its trigger label, sequences only
    assert results(copywriter_client.get(URL, {"q": "训练营", "kind": "script:moment"})) == []


def test_an_edit_is_found_by_its_new_name(copywriter_client, camps):
    camp = camps["live"]
    camp.name = "21天塑形营"
    camp.save_revision().publish()
    assert ("sequence", "21天塑形营") in results(copywriter_client.get(URL, {"q": "塑形"}))


def test_only_users_who_may_view_sequences_and_never_bots(client, make_user, camps):
    user = make_user("chatonly")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_chatscript"),
    )
    client.force_login(user)
    assert results(client.get(URL, {"q": "训练营"})) == []
    assert "sequence" not in {hit.type for hit in search("训练营", live_only=False)}
