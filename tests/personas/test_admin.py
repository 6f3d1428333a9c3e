"""The persona editor as copywriters and managers use it."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from personas.models import Persona

from .factories import PersonaFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("wagtailsnippets_personas_persona:add")


def edit_url(persona):
    return reverse("wagtailsnippets_personas_persona:edit", args=[persona.pk])


def form_data(channels=None, **overrides):
    data = {
        "name": "小美",
        "slug": "xiaomei",
        "brand": "花漾美妆",
        "archetype": "shopping_buddy",
        "positioning": "敏感肌护肤",
        "signature": "陪你把皮肤慢慢养好",
        "bio": "做了六年美妆顾问。",
        "relationship": "像闺蜜。",
        "tone_words": "亲切\n真诚",
        "catchphrases": "闭眼入不踩雷",
        "address_terms": "宝子们\n姐妹们",
        "emoji_style": "每条 1–3 个",
        "sign_off": "有问题随时戳我哦～",
        "do_examples": "宝子们先试小样～",
        "dont_examples": "全网最低价！",
        "banned_words": "全网最低\n根治",
        "channels": inline_formset(
            channels
            if channels is not None
            else [{"channel": "wechat", "handle": "huayang_xiaomei", "daily_post_limit": "3"}]
        ),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_copywriter_creates_a_persona_with_accounts_as_a_draft(copywriter_client):
    response = copywriter_client.post(ADD_URL, form_data())
    assert response.status_code == 302
    persona = Persona.objects.get(slug="xiaomei")
    assert persona.live is False
    assert persona.address_terms == ["宝子们", "姐妹们"]
    assert persona.banned_words == ["全网最低", "根治"]
    [account] = persona.channels.all()
    assert (account.channel, account.handle, account.capacity) == (
        "wechat",
        "huayang_xiaomei",
        5000,
    )


def test_copywriter_cannot_publish(copywriter_client):
    response = copywriter_client.post(ADD_URL, form_data(**{"action-publish": "publish"}))
    persona = Persona.objects.get(slug="xiaomei")
    assert persona.live is False
    assert response.status_code in (302, 403)
    edit_page = copywriter_client.get(edit_url(persona)).content.decode()
    assert 'name="action-publish"' not in edit_page
    assert 'name="action-submit"' in edit_page


def test_manager_can_publish_directly(manager_client):
    manager_client.post(ADD_URL, form_data(**{"action-publish": "publish"}))
    assert Persona.objects.get(slug="xiaomei").live is True


def test_submit_as_copywriter_then_approve_as_manager_publishes(client, copywriter, manager):
    client.force_login(copywriter)
    client.post(ADD_URL, form_data())
    persona = Persona.objects.get(slug="xiaomei")
    response = client.post(edit_url(persona), form_data(**{"action-submit": "submit"}))
    assert response.status_code == 302
    state = WorkflowState.objects.for_instance(persona).get()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "内容审核"

    # A copywriter is not in the approval task's group: no approve action for them.
    task_state = state.current_task_state
    approve_url = reverse(
        "wagtailsnippets_personas_persona:workflow_action",
        args=[persona.pk, "approve", task_state.pk],
    )
    client.post(approve_url)
    persona.refresh_from_db()
    assert persona.live is False

    client.force_login(manager)
    response = client.post(approve_url)
    assert response.status_code in (200, 302)
    persona.refresh_from_db()
    assert persona.live is True
    assert persona.live_revision.user == copywriter
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED


def test_manager_can_send_back_with_a_comment(client, copywriter, manager):
    client.force_login(copywriter)
    client.post(ADD_URL, form_data())
    persona = Persona.objects.get(slug="xiaomei")
    client.post(edit_url(persona), form_data(**{"action-submit": "submit"}))
    task_state = WorkflowState.objects.for_instance(persona).get().current_task_state

    client.force_login(manager)
    client.post(
        reverse(
            "wagtailsnippets_personas_persona:workflow_action",
            args=[persona.pk, "reject", task_state.pk],
        ),
        {"comment": "口头禅用得太多了"},
    )
    task_state.refresh_from_db()
    assert task_state.status == "rejected"
    assert task_state.comment == "口头禅用得太多了"
    persona.refresh_from_db()
    assert persona.live is False


def _errors(response) -> str:
    return response.content.decode()


def test_duplicate_slug_is_a_form_error_and_nothing_is_saved(copywriter_client):
    PersonaFactory(slug="xiaomei", name="旧小美")
    response = copywriter_client.post(ADD_URL, form_data())
    assert response.status_code == 200
    assert "已存在" in _errors(response)
    assert Persona.objects.filter(slug="xiaomei").count() == 1
    assert not Persona.objects.filter(name="小美").exists()


@pytest.mark.parametrize("action", [{}, {"action-submit": "submit"}])
def test_empty_name_is_refused_even_for_a_draft(copywriter_client, action):
    response = copywriter_client.post(ADD_URL, form_data(name="  ", **action))
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["必需字段"]
    assert not Persona.objects.exists()


def test_pasted_banned_words_are_cleaned_and_the_notice_says_what_was_removed(copywriter_client):
    response = copywriter_client.post(
        ADD_URL, form_data(banned_words="全网最低\n \n根治\n\n全网最低\n"), follow=True
    )
    assert response.status_code == 200
    persona = Persona.objects.get()
    assert persona.banned_words == ["全网最低", "根治"]
    notices = [str(m) for m in response.context["messages"]]
    assert any("全网最低" in n and ("2" in n) for n in notices), notices


def test_unknown_channel_is_a_form_error_and_nothing_is_saved(copywriter_client):
    response = copywriter_client.post(
        ADD_URL, form_data(channels=[{"channel": "myspace", "handle": "x"}])
    )
    assert response.status_code == 200
    assert "myspace" in _errors(response)
    assert not Persona.objects.exists()


def test_failed_edit_keeps_the_previous_version(copywriter_client):
    persona = PersonaFactory(slug="xiaomei", name="小美", brand="花漾美妆")
    response = copywriter_client.post(
        edit_url(persona), form_data(brand="新品牌", banned_words="a\n" + "x" * 51)
    )
    assert response.status_code == 200
    persona.refresh_from_db()
    assert persona.brand == "花漾美妆"
    assert persona.latest_revision.as_object().brand == "花漾美妆"


def test_editor_shows_the_brief(copywriter_client):
    persona = PersonaFactory(name="小美")
    page = copywriter_client.get(edit_url(persona)).content.decode()
    assert "你是「小美」" in page


def test_listing_search_finds_chinese_substrings(copywriter_client):
    PersonaFactory(name="林营养师", positioning="上班族体重管理")
    PersonaFactory(name="小美", positioning="敏感肌护肤")
    response = copywriter_client.get(
        reverse("wagtailsnippets_personas_persona:list"), {"q": "体重"}
    )
    page = response.content.decode()
    assert "林营养师" in page
    assert "小美" not in page


def test_profile_card_preview_shows_name_signature_and_accounts(copywriter_client):
    persona = PersonaFactory(name="小美", signature="陪你把皮肤慢慢养好")
    url = reverse("wagtailsnippets_personas_persona:preview_on_edit", args=[persona.pk])
    data = form_data(name="小美", slug=persona.slug, signature="陪你把皮肤慢慢养好")
    assert copywriter_client.post(url, data).json()["is_valid"] is True
    page = copywriter_client.get(url, {"mode": "profile"}).content.decode()
    assert "小美" in page
    assert "陪你把皮肤慢慢养好" in page
    assert "huayang_xiaomei" in page
    assert "个人微信" in page
    brief = copywriter_client.get(url, {"mode": "brief"}).content.decode()
    assert "你是「小美」" in brief


def test_admin_pages_ask_no_third_party_for_avatars(client, django_user_model):
    """Gravatar is blocked in mainland China: an editor with an e-mail address must not get a
    broken avatar (nor send its hash abroad) on every page."""
    user = django_user_model.objects.create_superuser("amy", "amy@example.com", "pw")
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "gravatar" not in page.lower()
