"""Relevance over the demo content: recall@10 ≥ 0.9 and MRR ≥ 0.8 (see relevance.py)."""

import io

import pytest
from django.core.management import call_command

from content.models import Script
from search.query import search

from .relevance import evaluate

pytestmark = pytest.mark.django_db


def _run(query: str) -> list[str]:
    hits = search(query, types=("script",), live_only=False, limit=10)
    ids = {hit.id: None for hit in hits}
    by_id = dict(Script.objects.filter(pk__in=ids).values_list("pk", "external_id"))
    return [by_id[hit.id] for hit in hits]


def test_demo_relevance_on_the_configured_backend():
    call_command("load_demo", stdout=io.StringIO())
    call_command("search_index", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    recall, mrr, detail = evaluate(_run)
    assert recall >= 0.9, detail
    assert mrr >= 0.8, detail
