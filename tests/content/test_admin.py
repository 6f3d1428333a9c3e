"""Writing, checking, previewing and moderating scripts in the admin."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState
from wagtail.test.utils.form_data import nested_form_data, streamfield

from content.models import ChatScript, GroupScript, LivestreamScript, MomentScript, Script
from tests.personas.factories import PersonaFactory

from .factories import ChatScriptFactory, GroupScriptFactory, MomentScriptFactory

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"wagtailsnippets_content_{model._meta.model_name}:{view}", args=args)


def listblock(items):
    data = {str(i): {"value": item, "deleted": "", "order": str(i)} for i, item in enumerate(items)}
    data["count"] = str(len(items))
    return data


@pytest.fixture
def persona():
    return PersonaFactory(
        slug="xiaomei",
        name="小美",
        address_terms=["宝子们"],
        catchphrases=["冲鸭"],
        banned_words=["药妆"],
    )


def form(persona, messages=(("text", "宝子们，{{nickname}} 新品到啦"),), variables=None, **extra):
    data = {
        "persona": str(persona.pk),
        "stage": "attract",
        "title": "新品上市",
        "messages": streamfield(list(messages)),
        "variables": streamfield(
            variables
            if variables is not None
            else [
                (
                    "variable",
                    {"name": "nickname", "required": "on", "default": "", "description": "昵称"},
                )
            ]
        ),
        "tags": "新品, 敏感肌",
        "hot_topic": "",
        "valid_from": "",
        "valid_until": "",
        "external_id": "",
    }
    data.update(extra)
    return nested_form_data(data)


KIND_EXTRA = {
    MomentScript: {"first_comment": "评论区见"},
    GroupScript: {"purpose": "welcome", "trigger": "on_join", "group_types": ["newcomer"]},
    LivestreamScript: {
        "segments": streamfield(
            [
                (
                    "segment",
                    {
                        "name": "demo",
                        "minutes": "10",
                        "cue": "举起产品",
                        "lines": listblock(["看这个质地"]),
                        "product": "修护精华",
                    },
                )
            ]
        )
    },
    ChatScript: {"triggers": "在吗\n新人礼"},
}


@pytest.mark.parametrize("model", list(KIND_EXTRA))
def test_copywriter_writes_each_kind_as_a_draft(copywriter_client, persona, model):
    response = copywriter_client.post(url(model, "add"), form(persona, **KIND_EXTRA[model]))
    assert response.status_code == 302, response.context["form"].errors
    script = model.objects.get()
    assert script.live is False
    assert sorted(t.name for t in script.tags.all()) == ["敏感肌", "新品"]
    assert [v.name for v in script.declared_variables()] == ["nickname"]
    edit = copywriter_client.get(url(model, "edit", script.pk)).content.decode()
    assert 'name="action-submit"' in edit
    assert 'name="action-publish"' not in edit


def test_undeclared_variable_is_a_form_error_naming_it(copywriter_client, persona):
    response = copywriter_client.post(
        url(MomentScript, "add"),
        form(persona, messages=[("text", "宝子们 {{coupon_code}}")], variables=[]),
    )
    assert response.status_code == 200
    assert "coupon_code" in str(response.context["form"].errors)
    assert not Script.objects.exists()


def test_ten_images_on_a_moment_are_a_form_error(copywriter_client, persona):
    from tests.personas.factories import ImageFactory

    image = ImageFactory()
    images = [("image", {"image": str(image.pk), "alt_text": "图", "decorative": ""})] * 10
    response = copywriter_client.post(
        url(MomentScript, "add"),
        form(persona, messages=[("text", "宝子们看图"), *images], variables=[]),
    )
    assert response.status_code == 200
    assert "9" in str(response.context["form"].errors["messages"])


def test_lint_errors_block_submitting_but_not_saving_a_draft(copywriter_client, persona):
    bad = form(persona, messages=[("text", "宝子们，这款药妆全网第一")], variables=[])
    response = copywriter_client.post(url(MomentScript, "add"), {**bad, "action-submit": "1"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "药妆" in errors and "第一" in errors
    assert not Script.objects.exists()

    assert copywriter_client.post(url(MomentScript, "add"), bad).status_code == 302
    script = MomentScript.objects.get()
    page = copywriter_client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert "<mark>药妆</mark>" in page


def test_manager_cannot_publish_past_lint_errors(manager_client, persona):
    bad = form(persona, messages=[("text", "宝子们，这款药妆")], variables=[])
    response = manager_client.post(url(MomentScript, "add"), {**bad, "action-publish": "1"})
    assert response.status_code == 200
    assert not Script.objects.filter(live=True).exists()


def test_warnings_do_not_block_publishing(manager_client, persona):
    quiet = form(persona, messages=[("text", "新品上市，欢迎了解。")], variables=[])
    response = manager_client.post(url(MomentScript, "add"), {**quiet, "action-publish": "1"})
    assert response.status_code == 302
    assert MomentScript.objects.get().live is True


def test_submit_then_manager_approves_and_the_script_goes_live(
    client, copywriter, manager, persona
):
    client.force_login(copywriter)
    client.post(url(ChatScript, "add"), {**form(persona, **KIND_EXTRA[ChatScript])})
    script = ChatScript.objects.get()
    client.post(
        url(ChatScript, "edit", script.pk),
        {**form(persona, **KIND_EXTRA[ChatScript]), "action-submit": "1"},
    )
    state = WorkflowState.objects.for_instance(script).get()
    client.force_login(manager)
    client.post(
        url(ChatScript, "workflow_action", script.pk, "approve", state.current_task_state.pk)
    )
    script.refresh_from_db()
    assert script.live is True


@pytest.mark.parametrize(
    ("factory", "expected"),
    [
        (MomentScriptFactory, ["小美", "评论区见", "小鹿"]),
        (GroupScriptFactory, ["小美", "5", "小鹿"]),
        (ChatScriptFactory, ["在吗", "小鹿"]),
    ],
)
def test_previews_render_with_sample_values(persona, factory, expected):
    extra = {"first_comment": "评论区见"} if factory is MomentScriptFactory else {}
    script = factory(
        persona=persona,
        messages=[("text", "宝子们 {{nickname}}"), ("delay", {"seconds": 5})]
        if factory is GroupScriptFactory
        else [("text", "宝子们 {{nickname}}")],
        variables=[("variable", {"name": "nickname", "required": True, "default": ""})],
        **extra,
    )
    response = script.make_preview_request(preview_mode="")
    html = response.content.decode()
    for text in expected:
        assert text in html


def test_listing_filters_and_searches_chinese(copywriter_client, persona):
    other = PersonaFactory(slug="dr-lin", name="林营养师")
    MomentScriptFactory(persona=persona, title="会员日福利", messages=[("text", "宝子们会员日见")])
    MomentScriptFactory(persona=other, title="早餐搭配", messages=[("text", "同学们早上好")])
    listing = url(MomentScript, "list")
    page = copywriter_client.get(listing, {"q": "会员"}).content.decode()
    assert "会员日福利" in page and "早餐搭配" not in page
    page = copywriter_client.get(listing, {"persona": other.pk}).content.decode()
    assert "早餐搭配" in page and "会员日福利" not in page


def test_listing_filters_by_review_status(client, copywriter, manager, persona):
    def submitted(title):
        script = MomentScriptFactory(persona=persona, title=title, publish=False)
        script.get_workflow().start(script, copywriter)
        return script

    submitted("等审核的朋友圈")
    sent_back = submitted("被退回的朋友圈")
    state = WorkflowState.objects.for_instance(sent_back).get()
    state.current_task_state.task.specific.on_action(
        state.current_task_state, manager, "reject", comment="语气太硬"
    )
    MomentScriptFactory(persona=persona, title="从未提交的草稿", publish=False)
    changed = MomentScriptFactory(persona=persona, title="已发布的朋友圈")
    changed.title = "已发布又改了"
    changed.save_revision(user=copywriter)
    client.force_login(copywriter)
    listing = url(MomentScript, "list")

    def titles(review):
        page = client.get(listing, {"review": review}).content.decode()
        return {title for title in ("等审核的朋友圈", "被退回的朋友圈", "从未提交的草稿",
                                    "已发布的朋友圈") if title in page}  # fmt: skip

    assert titles("in_progress") == {"等审核的朋友圈"}
    assert titles("needs_changes") == {"被退回的朋友圈"}
    assert titles("unpublished_changes") == {"已发布的朋友圈"}
    assert titles("never_published") == {"等审核的朋友圈", "被退回的朋友圈", "从未提交的草稿"}
    page = client.get(listing).content.decode()
    assert "审核状态" in page and "审核中" in page  # the filter, in Chinese
    assert client.get(listing, {"review": "nonsense"}).status_code == 200  # ignored, not a 500


def test_livestream_preview_shows_the_run_of_show_with_cumulative_times(persona):
    from .factories import LivestreamScriptFactory, segment

    script = LivestreamScriptFactory(
        persona=persona,
        segments=[
            segment("warmup", 5, "挥手", ["宝子们晚上好"]),
            segment("demo", 10, "举起产品", ["看这个质地"], "修护精华"),
            segment("closing", 65, "", ["加小美微信进福利群"]),
        ],
        messages=[("text", "宝子们今晚八点见")],
    )
    html = script.make_preview_request(preview_mode="").content.decode()
    for text in ("0:00–0:05", "0:05–0:15", "0:15–1:20", "80", "修护精华", "宝子们今晚八点见"):
        assert text in html


@pytest.mark.parametrize("ordering", ["title", "-title", "_updated_at", "-live"])
def test_listing_sorts_search_results_by_any_column(copywriter_client, persona, ordering):
    """Sorting a searched listing by a column the search index does not hold (the title) is
    done by the database, not refused with a server error."""
    MomentScriptFactory(persona=persona, title="A 会员日福利", messages=[("text", "会员日见")])
    MomentScriptFactory(persona=persona, title="B 会员日提醒", messages=[("text", "周六见")])
    MomentScriptFactory(persona=persona, title="早餐搭配", messages=[("text", "早上好")])
    listing = url(MomentScript, "list")
    response = copywriter_client.get(listing, {"q": "会员日", "ordering": ordering})
    page = response.content.decode()
    assert response.status_code == 200
    assert "A 会员日福利" in page and "B 会员日提醒" in page and "早餐搭配" not in page
    if ordering.lstrip("-") == "title":
        a_first = page.index("A 会员日福利") < page.index("B 会员日提醒")
        assert a_first == (ordering == "title")


def test_block_menus_offer_only_what_each_kind_can_hold(copywriter_client, persona):
    moment = copywriter_client.get(url(MomentScript, "add"))
    offered = list(moment.context["form"].fields["messages"].block.child_blocks)
    assert "text" in offered and "image" in offered
    assert "delay" not in offered and "file" not in offered
    group = copywriter_client.get(url(GroupScript, "add"))
    assert "delay" in group.context["form"].fields["messages"].block.child_blocks
