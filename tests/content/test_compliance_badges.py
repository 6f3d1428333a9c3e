"""Script lists show each script's compliance badge from the cached status, without a query
per row."""

import pytest
from django.urls import reverse

from compliance import versions
from content.admin_views import ComplianceColumn

from .factories import MomentScriptFactory
from .test_admin import persona  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
LIST = reverse("wagtailsnippets_content_momentscript:list")


def badges(response) -> dict[str, str]:
    """{title: level} of the rows."""
    html = response.content.decode()
    out = {}
    for script in response.context["object_list"]:
        out[script.title] = script.compliance_badge
        assert f'data-compliance="{script.compliance_badge}"' in html
    return out


def test_each_row_shows_its_level_and_a_rule_change_shows_recheck(copywriter_client, persona):  # noqa: F811
    MomentScriptFactory(persona=persona, title="干净", messages=[("text", "宝子们冲鸭")])
    MomentScriptFactory(persona=persona, title="有错", messages=[("text", "宝子们全网最好")],
                        publish=False)  # fmt: skip
    response = copywriter_client.get(LIST)
    assert badges(response) == {"干净": "ok", "有错": "error"}
    html = response.content.decode()
    assert str(ComplianceColumn.LABELS["error"]) in html
    versions.bump()  # a rule changed: every level waits for the worker's recheck
    assert set(badges(copywriter_client.get(LIST)).values()) == {"stale"}


def test_no_query_per_row(copywriter_client, persona, django_assert_num_queries):  # noqa: F811
    """The badges of a page cost one query (the rule version), however many rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from content import compliance_status
    from content.models import MomentScript

    for i in range(6):
        MomentScriptFactory(persona=persona, title=f"多{i}")
    scripts = list(MomentScript.objects.all())
    column = ComplianceColumn("compliance", label="合规")
    with django_assert_num_queries(1):
        found = compliance_status.levels(scripts)
        for script in scripts:
            script.compliance_badge = found[script.pk]
            context = column.get_cell_context_data(script, {"row": None, "table": None})
            assert context["level"] == "ok"
    with CaptureQueriesContext(connection) as page:
        response = copywriter_client.get(LIST)
    assert len(badges(response)) == 6
    about_compliance = [q["sql"] for q in page.captured_queries if "compliance" in q["sql"]]
    assert len(about_compliance) == 2  # the page's rows (with their levels) and the version
