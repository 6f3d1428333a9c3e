"""The cached compliance status: kept for the latest revision, stale after a rule change."""

import io

import pytest
from django.core.management import call_command

from content import compliance_status, gates
from content.models import MomentScript, Script
from tests.compliance.factories import add_word_rule
from tests.personas.factories import PersonaFactory

from .factories import MomentScriptFactory
from .test_admin import form, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona():
    return PersonaFactory(slug="xiaomei", name="小美", address_terms=["宝子们"])


def test_saved_scripts_carry_their_level_and_a_new_rule_makes_them_stale(persona):
    clean = MomentScriptFactory(persona=persona, messages=[("text", "宝子们，新品到啦～")])
    assert compliance_status.level_of(clean) == "ok"
    add_word_rule("新品")
    clean.refresh_from_db()
    assert compliance_status.level_of(clean) == "stale"
    assert compliance_status.levels([clean.pk]) == {clean.pk: "stale"}
    assert compliance_status.refresh_stale() >= 1
    clean.refresh_from_db()
    assert compliance_status.level_of(clean) == "error"


def test_levels_needs_no_query_per_script(persona, django_assert_num_queries):
    scripts = [MomentScriptFactory(persona=persona) for _ in range(3)]
    loaded = list(Script.objects.filter(pk__in=[s.pk for s in scripts]))
    with django_assert_num_queries(1):  # the rule-set version
        found = compliance_status.levels(loaded)
    assert set(found.values()) == {"ok"}


def test_saving_a_draft_with_an_absolute_word_sets_error_and_accepting_clears_it(
    manager_client, manager, persona
):
    script = MomentScriptFactory(persona=persona, messages=[("text", "宝子们，新品到啦～")])
    response = manager_client.post(
        url(MomentScript, "edit", script.pk),
        form(persona, messages=[("text", "宝子们，这是全网最好的面霜")], variables=[]),
    )
    assert response.status_code == 302
    script.refresh_from_db()
    assert script.compliance_level == "error"
    assert script.live  # the published version is untouched; the level is the latest revision's
    latest = script.get_latest_revision_as_object()
    finding = gates.blocking(latest)[0]
    gates.accept(
        latest,
        where=finding.where,
        text_hash=finding.text_hash,
        rule=finding.code,
        match=finding.term,
        reason="品牌方提供了权威检测报告",
        user=manager,
    )
    assert compliance_status.level_of(Script.objects.get(pk=script.pk)) == "warning"


def test_the_command_reports_and_refreshes_stale_levels(persona):
    script = MomentScriptFactory(persona=persona)
    Script.objects.filter(pk=script.pk).update(compliance_level="", compliance_version=None)
    call_command("compliance_status", stdout=(out := io.StringIO()))
    assert out.getvalue().startswith("1 ")
    call_command("compliance_status", "--refresh", stdout=out)
    assert compliance_status.level_of(Script.objects.get(pk=script.pk)) == "ok"
