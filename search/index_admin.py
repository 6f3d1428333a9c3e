"""Rebuilding and checking the search index (the `search_index` command calls these)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from modelsearch.index import get_indexed_models
from wagtail.search.backends import get_search_backend

from . import health

CHUNK = 500


# Headless: the CMS has no pages (only the root pages Wagtail's migrations create).
SKIPPED = {"wagtailcore.page"}


def _models():
    """Indexed concrete models (proxies share their concrete model's index entries)."""
    seen, out = set(), []
    for model in get_indexed_models():
        if model._meta.concrete_model._meta.label_lower in SKIPPED:
            continue
        concrete = model._meta.concrete_model
        if concrete not in seen:
            seen.add(concrete)
            out.append(concrete)
    return out


def rebuild(progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Rebuild the default backend's index from the database; returns documents per model."""
    backend = get_search_backend()
    counts: dict[str, int] = {}
    models = _models()
    for model in models:
        index = backend.get_index_for_model(model)
        rebuilder = backend.rebuilder_class(index)
        index = rebuilder.start()
        index.add_model(model)
        objects = model.get_indexed_objects().order_by("pk")
        total = objects.count()
        done, chunk = 0, list(objects[:CHUNK])
        with _title_norms_at_the_end(index, last=model is models[-1]):
            while chunk:
                index.add_items(model, chunk)
                done += len(chunk)
                if progress:
                    progress(model._meta.label, done, max(done, total))
                # By primary key, not OFFSET (which rescans every skipped row: quadratic).
                chunk = list(objects.filter(pk__gt=chunk[-1].pk)[:CHUNK])
            if progress and done < total:  # rows deleted meanwhile: end the bar
                progress(model._meta.label, done, done)
            rebuilder.finish()
        counts[model._meta.label] = total
    refresh_statistics()
    return counts


@contextmanager
def _title_norms_at_the_end(index, *, last: bool):
    """One `title_norm` pass per rebuild. modelsearch's database indexes (PostgreSQL, SQLite)
    recompute it after every chunk they add (an average over the whole table, then the chunk's
    rows: quadratic, ≈ 150 docs/s at 100k scripts on PostgreSQL) and again over the whole
    table when each model's rebuild finishes — the average is over every model's entries, so
    only the last pass counts, and each pass leaves a dead version of every row (7× the live
    table after a rebuild of 6 models). Here only the last model's finish makes it."""
    if not hasattr(index, "_refresh_title_norms"):  # other backends
        yield
        return
    refresh = index._refresh_title_norms
    index._refresh_title_norms = lambda full=False: refresh(full=True) if full and last else None
    try:
        yield
    finally:
        del index._refresh_title_norms


def refresh_statistics() -> None:
    """PostgreSQL database backend: after a rebuild every index row is new and the old ones are
    dead, and until autovacuum passes (minutes later) the planner's statistics describe the
    old table: searches then read every entry of a model (seconds at 100k scripts instead of
    milliseconds; notes/ops.md). So the rebuild vacuums and analyses the table itself."""
    from django.db import connection
    from modelsearch.conf import get_app_config

    if connection.vendor != "postgresql" or _backend_module() != "search.backends.database":
        return
    table = connection.ops.quote_name(get_app_config().get_model("IndexEntry")._meta.db_table)
    with connection.cursor() as cursor:  # VACUUM cannot run inside a transaction
        cursor.execute(
            f"ANALYZE {table}" if connection.in_atomic_block else f"VACUUM ANALYZE {table}"
        )


def _backend_module() -> str:
    from django.conf import settings

    return settings.WAGTAILSEARCH_BACKENDS.get("default", {}).get("BACKEND", "")


@dataclass
class CheckResult:
    missing: dict[str, list[str]] = field(default_factory=dict)
    orphaned: dict[str, list[str]] = field(default_factory=dict)
    # Models whose index a save recreated after it was lost (search.backends.whoosh_state).
    incomplete: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not any(self.missing.values())
            and not any(self.orphaned.values())
            and not self.incomplete
        )


def check() -> CheckResult:
    """Compare the index with the database: items missing from it, and entries left behind."""
    backend = get_search_backend()
    result = CheckResult()
    for model in _models():
        expected = {str(pk) for pk in model.get_indexed_objects().values_list("pk", flat=True)}
        indexed = backend.indexed_ids(model)
        result.missing[model._meta.label] = sorted(expected - indexed, key=_natural)
        result.orphaned[model._meta.label] = sorted(indexed - expected, key=_natural)
        if health.incomplete(backend, model):
            result.incomplete.append(model._meta.label)
    return result


def clean() -> dict[str, tuple[int, int]]:
    """Remove the documents of items no longer in the database (left by a crash) and index the
    items missing from the index; per model (removed, added). Faster than a rebuild, but it does
    not refresh documents whose item changed: after a crash, rebuild."""
    from search.backends.after_commit import write_from_database

    backend = get_search_backend()
    found = check()
    counts: dict[str, tuple[int, int]] = {}
    for model in _models():
        label = model._meta.label
        orphaned, missing = found.orphaned[label], found.missing[label]
        if orphaned or missing:
            # Reads each pk from the database: present → (re)indexed, absent → deleted.
            write_from_database(backend, model, [*orphaned, *missing])
        counts[label] = (len(orphaned), len(missing))
    return counts


def _natural(value: str):
    return (0, int(value)) if value.isdigit() else (1, value)
