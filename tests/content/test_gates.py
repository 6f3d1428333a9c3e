"""The compliance gate on every path, and a manager's override with a reason."""

import json

import pytest
from django.contrib.messages import get_messages
from wagtail.models import WorkflowState

from compliance import engine
from compliance.models import ComplianceRecord, Override
from content import gates
from content.import_run import import_file
from content.models import MomentScript, Script
from tests.compliance.factories import add_word_rule
from tests.personas.factories import PersonaFactory

from .factories import MomentScriptFactory
from .test_admin import form, url

pytestmark = pytest.mark.django_db

BAD = "宝子们，这款药妆冲鸭"


@pytest.fixture
def persona():
    return PersonaFactory(
        slug="xiaomei",
        name="小美",
        address_terms=["宝子们"],
        catchphrases=["冲鸭"],
        banned_words=["药妆"],
    )


def draft(persona, *texts):
    return MomentScriptFactory(
        persona=persona, messages=[("text", text) for text in texts], publish=False
    )


def accept(script, manager, finding=None, reason="品牌授权使用“药妆”一词，见合同附件"):
    finding = finding or gates.blocking(script)[0]
    return gates.accept(
        script,
        where=finding.where,
        text_hash=finding.text_hash,
        rule=finding.code,
        match=finding.term,
        reason=reason,
        user=manager,
    )


def texts_of(messages):
    return " ".join(str(m) for m in messages)


# --- overrides -------------------------------------------------------------------------------


def test_accepted_finding_stops_blocking_that_exact_text_and_is_recorded(persona, manager):
    script = draft(persona, BAD)
    assert [f.term for f in gates.blocking(script)] == ["药妆"]
    override = accept(script, manager)
    assert gates.blocking(script) == []
    [finding] = [f for f in gates.findings(script) if f.is_error]
    assert finding.accepted == override and not finding.blocks
    assert override.created_by == manager and override.rule_version == engine.rule_version()
    assert override.text == BAD and override.reason.startswith("品牌授权")


def test_text_changed_reopens_the_override(persona, manager):
    script = draft(persona, BAD)
    accept(script, manager)
    script.messages = [("text", BAD + "！")]
    script.save_revision()
    edited = script.get_latest_revision_as_object()
    assert [f.term for f in gates.blocking(edited)] == ["药妆"]
    assert Override.objects.count() == 1  # kept as history
    edited.messages = [("text", BAD)]  # exactly the accepted text again
    assert gates.blocking(edited) == []


def test_an_override_covers_one_text_only(persona, manager):
    script = MomentScriptFactory(
        persona=persona,
        messages=[("text", BAD)],
        first_comment="宝子们，药妆也能天天用",
        publish=False,
    )
    first = [f for f in gates.blocking(script) if f.where == "messages.0"][0]
    accept(script, manager, first)
    assert [f.where for f in gates.blocking(script)] == ["first_comment"]


def test_override_needs_a_reason_a_manager_and_an_open_error(persona, manager, copywriter):
    script = draft(persona, BAD)
    with pytest.raises(gates.OverrideRefused):
        accept(script, manager, reason="  ")
    with pytest.raises(gates.OverrideRefused):
        accept(script, copywriter)
    finding = gates.blocking(script)[0]
    with pytest.raises(gates.OverrideRefused, match="已不存在"):
        gates.accept(
            script,
            where=finding.where,
            text_hash="0" * 64,
            rule=finding.code,
            match=finding.term,
            reason="x",
            user=manager,
        )
    assert not Override.objects.exists()


def test_manager_accepts_in_the_editor_then_publishes(manager_client, persona, manager):
    script = draft(persona, BAD)
    page = manager_client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert "lint-accept" in page
    finding = gates.blocking(script)[0]
    key = json.dumps([0, finding.where, finding.text_hash, finding.code, finding.term])
    response = manager_client.post(
        url(MomentScript, "accept_finding", script.pk),
        {"accept_finding": key, "accept_reason_0": "合同允许"},
    )
    assert response.status_code == 302 and response.url.endswith("#tab-lint")
    override = Override.objects.get()
    assert override.created_by == manager and override.reason == "合同允许"
    page = manager_client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert "lint-accepted" in page and "合同允许" in page and "manager" in page
    assert "no longer blocks" in page or "不再阻止" in page  # the confirmation

    data = form(persona, messages=[("text", BAD)], variables=[])
    response = manager_client.post(
        url(MomentScript, "edit", script.pk), {**data, "action-publish": "1"}
    )
    assert response.status_code == 302
    script.refresh_from_db()
    assert script.live
    record = ComplianceRecord.objects.get()
    assert [o["reason"] for o in record.overrides] == ["合同允许"]
    assert record.findings[0]["accepted"] is True


def test_copywriter_sees_no_accept_action_and_cannot_post_one(copywriter_client, persona):
    script = draft(persona, BAD)
    page = copywriter_client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert "lint-accept" not in page
    finding = gates.blocking(script)[0]
    key = json.dumps([0, finding.where, finding.text_hash, finding.code, finding.term])
    response = copywriter_client.post(
        url(MomentScript, "accept_finding", script.pk),
        {"accept_finding": key, "accept_reason_0": "我觉得可以"},
    )
    assert response.status_code in (302, 403)
    assert not Override.objects.exists()


# --- gates -----------------------------------------------------------------------------------


def test_saving_a_draft_with_errors_warns_with_the_count_and_a_link(copywriter_client, persona):
    bad = form(persona, messages=[("text", "宝子们，这款药妆全网第一")], variables=[])
    response = copywriter_client.post(url(MomentScript, "add"), bad)
    assert response.status_code == 302
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "warning"
    count = len(gates.blocking(MomentScript.objects.get().get_latest_revision_as_object()))
    # 药妆 (the persona's banned word) and 全网第一 (one finding per phrase)
    assert count == 2 and f" {count} " in str(message) and "#tab-lint" in str(message)


def test_saving_a_clean_draft_is_a_plain_success(copywriter_client, persona):
    clean = form(persona, messages=[("text", "宝子们，新品到啦冲鸭")], variables=[])
    response = copywriter_client.post(url(MomentScript, "add"), clean)
    [message] = list(get_messages(response.wsgi_request))
    assert message.level_tag == "success"


def test_every_publish_path_refuses_open_errors(persona, manager):
    script = draft(persona, BAD)
    with pytest.raises(gates.ComplianceBlocked):
        script.get_latest_revision().publish(user=manager)
    script.refresh_from_db()
    assert not script.live and not ComplianceRecord.objects.exists()


def submitted(client, copywriter, persona, text="宝子们，新品到啦冲鸭"):
    client.force_login(copywriter)
    data = form(persona, messages=[("text", text)], variables=[])
    client.post(url(MomentScript, "add"), data)
    script = MomentScript.objects.get()
    response = client.post(url(MomentScript, "edit", script.pk), {**data, "action-submit": "1"})
    assert response.status_code == 302
    return script, WorkflowState.objects.for_instance(script).get()


@pytest.mark.parametrize("ajax", [False, True])
def test_rule_added_after_submit_refuses_approval_from_the_dashboard(
    client, copywriter, manager, persona, ajax
):
    script, state = submitted(client, copywriter, persona, "宝子们，新品到啦冲鸭，包邮哦")
    add_word_rule("包邮")
    client.force_login(manager)
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    response = client.post(
        url(MomentScript, "workflow_action", script.pk, "approve", state.current_task_state.pk),
        **headers,
    )
    assert response.status_code in (200, 302)
    script.refresh_from_db()
    assert not script.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    shown = texts_of(get_messages(response.wsgi_request))
    assert "包邮" in shown
    assert not ComplianceRecord.objects.exists()


def test_approval_from_the_dashboard_stores_the_record_with_the_approver(
    client, copywriter, manager, persona
):
    script, state = submitted(client, copywriter, persona)
    client.force_login(manager)
    client.post(
        url(MomentScript, "workflow_action", script.pk, "approve", state.current_task_state.pk)
    )
    script.refresh_from_db()
    assert script.live
    record = ComplianceRecord.objects.get()
    assert record.approved_by == manager and record.published_by == manager
    assert record.texts == [{"where": "messages.0", "text": "宝子们，新品到啦冲鸭"}]
    assert record.rule_version == engine.rule_version()
    assert record.persona == persona and record.object_id == str(script.pk)
    tab = client.get(url(MomentScript, "edit", script.pk)).content.decode()
    assert "compliance-records" in tab and 'id="tab-compliance_records"' in tab


def test_bulk_publish_publishes_clean_scripts_and_refuses_the_others(
    manager_client, persona, manager
):
    clean = draft(persona, "宝子们，新品到啦冲鸭")
    bad = draft(persona, BAD)
    bulk = "/admin/bulk/content/momentscript/publish_scripts/"
    query = f"?id={clean.pk}&id={bad.pk}"
    page = manager_client.get(bulk + query)
    assert page.status_code == 200 and "药妆" in page.content.decode()
    response = manager_client.post(bulk + query, {})
    assert response.status_code == 302
    clean.refresh_from_db()
    bad.refresh_from_db()
    assert clean.live and not bad.live
    shown = texts_of(get_messages(response.wsgi_request))
    assert bad.title in shown and "药妆" in shown
    assert ComplianceRecord.objects.get().object_id == str(clean.pk)


def test_import_publish_uses_the_gate_with_overrides(persona, manager, tmp_path):
    script = MomentScriptFactory(
        persona=persona, external_id="m-1", messages=[("text", BAD)], publish=False
    )
    row = {
        "external_id": "m-1",
        "kind": "moment",
        "persona": "xiaomei",
        "title": script.title,
        "stage": "attract",
        "messages": [{"type": "text", "text": BAD}],
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    refused = import_file(path, publish=True)
    assert [e for e in refused.errors if "药妆" in e.message]
    accept(script, manager)
    result = import_file(path, publish=True, user=manager)
    assert result.ok, result.errors
    assert Script.objects.get(external_id="m-1").live
    assert ComplianceRecord.objects.get().published_by == manager
