"""Store the computed hot topics of a year (used by `hot_topics generate` and the demo)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from wagtail.search import index

from core import generation

from .holidays import hot_topics_for_year
from .models import HotTopic


@dataclass
class Generated:
    created: int
    existing: int


@transaction.atomic
def generate(year: int) -> Generated:
    """Create the year's hot topics that do not exist yet (by slug). Existing ones, possibly
    edited by managers, are left as they are; running it twice changes nothing."""
    specs = hot_topics_for_year(year)
    existing = set(
        HotTopic.objects.filter(slug__in=[s.key for s in specs]).values_list("slug", flat=True)
    )
    created = HotTopic.objects.bulk_create(
        [
            HotTopic(
                slug=spec.key,
                name=spec.name,
                category=spec.category,
                start=spec.start,
                end=spec.end,
                lead_days=spec.lead_days,
                description=spec.description,
                angles=list(spec.angles),
                generated=True,
            )
            for spec in specs
            if spec.key not in existing
        ]
    )
    # bulk_create sends no post_save: put the new topics in the search index ourselves, and
    # tell the API's cached answers (core/generation.py).
    for topic in created:
        index.insert_or_update_object(topic)
    generation.bump()
    return Generated(created=len(specs) - len(existing), existing=len(existing))
