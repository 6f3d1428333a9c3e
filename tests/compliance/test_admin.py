"""Compliance → Rules in the admin: managers edit (and so bump the version), copywriters read."""

import pytest
from django.urls import reverse

from compliance.engine import check
from compliance.models import Rule

pytestmark = pytest.mark.django_db


def edit_url(rule):
    return reverse("wagtailsnippets_compliance_rule:edit", args=[rule.pk])


def form(rule, **changes):
    data = {
        "pack": rule.pack_id,
        "code": rule.code,
        "level": rule.level,
        "title": rule.title,
        "kind": rule.kind,
        "window": rule.window,
        "terms": "\n".join(rule.terms),
        "partners": "\n".join(rule.partners),
        "sounds_alike": "on" if rule.sounds_alike else "",
        "allowed": "\n".join(rule.allowed),
        "exceptions": "\n".join(rule.exceptions),
        "citation": rule.citation,
        "explanation": rule.explanation,
        "suggestions": "\n".join(rule.suggestions),
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_a_manager_edits_a_rule_and_the_next_check_uses_it(manager_client):
    rule = Rule.objects.get(code="education_guarantee")
    before = check("稳上岸").rule_version
    response = manager_client.post(edit_url(rule), form(rule, terms="保过\n稳上岸"))
    assert response.status_code == 302, response.context["form"].errors
    report = check("稳上岸")
    assert report.rule_version != before and report.findings[0].rule == "education_guarantee"


def test_a_broken_exception_pattern_is_refused(manager_client):
    rule = Rule.objects.get(code="education_guarantee")
    response = manager_client.post(edit_url(rule), form(rule, exceptions="第一(节"))
    assert response.status_code == 200
    assert "exceptions" in response.context["form"].errors


def test_copywriters_see_the_rules_but_cannot_change_them(copywriter_client):
    rule = Rule.objects.get(code="education_guarantee")
    listing = copywriter_client.get(reverse("wagtailsnippets_compliance_rule:list"))
    assert listing.status_code == 200 and "education_guarantee" in listing.content.decode()
    response = copywriter_client.post(edit_url(rule), form(rule, terms="保过\n稳上岸"))
    assert response.status_code in {302, 403}
    assert Rule.objects.get(pk=rule.pk).terms != ["保过", "稳上岸"]
