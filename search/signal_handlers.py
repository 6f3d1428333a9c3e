"""Keep jieba's user dictionary in step with hot-topic names, tags and persona terms; give a
fresh installation its (empty, complete) search indexes."""

import logging

from django.apps import apps
from django.db.models.signals import post_migrate, post_save

from . import analysis

logger = logging.getLogger(__name__)


def _persona_words(instance, **kwargs):
    analysis.add_user_words(
        [instance.name, *instance.catchphrases, *instance.address_terms, *instance.tone_words]
    )


def _topic_words(instance, **kwargs):
    analysis.add_user_words([instance.name])


def _tag_words(instance, **kwargs):
    analysis.add_user_words([instance.name])


def create_empty_indexes(**kwargs) -> list[str]:
    """After `migrate`: an index that does not exist yet for a model with nothing to index is
    created empty — it is complete, so search and /health work on a fresh installation before
    anything is saved. A missing index of a model that has objects stays missing (searching it
    is a 503 and /health says so) until `search_index rebuild`: an empty one would hide the loss.
    """
    from wagtail.search.backends import get_search_backend

    from .health import index_state, indexes

    backend = get_search_backend()
    created = []
    for label in indexes().values():
        model = apps.get_model(label)
        if index_state(backend, model) != "missing":
            continue
        if model.get_indexed_objects().exists():
            logger.warning(
                "The search index of %s is missing: run `manage.py search_index rebuild`.", label
            )
            continue
        backend.get_index_for_model(model).add_model(model)
        created.append(label)
    return created


#: A list's own model (rules, packs, segments) is indexed whole after `migrate` up to this size.
SMALL_MODEL = 5000


def index_small_models(**kwargs) -> list[str]:
    """After `migrate`: the models only a list's search box searches (compliance rules and
    packs, audience segments — not a registered search type) are indexed whole when small. Data
    migrations create rows without saving models (the shipped rule packs), so nothing indexed
    them; an upsert of a few hundred rows is idempotent and cheap."""
    from wagtail.search.backends import get_search_backend

    from .health import indexes
    from .index_admin import _models

    registered = {apps.get_model(label) for label in indexes().values()}
    done = []
    try:
        backend = get_search_backend()
        for model in _models():
            if model in registered or model._meta.app_label.startswith("wagtail"):
                continue
            objects = list(model.get_indexed_objects()[: SMALL_MODEL + 1])
            if len(objects) > SMALL_MODEL:
                continue
            index = backend.get_index_for_model(model)
            index.add_model(model)
            if objects:
                index.add_items(model, objects)
            done.append(model._meta.label)
    except Exception:  # noqa: BLE001 - migrate must not fail on search; the hint says what to do
        logger.warning("Indexing small models after migrate failed: run "
                       "`manage.py search_index rebuild`.", exc_info=True)  # fmt: skip
    return done


def connect() -> None:
    # Sent per app with models once every migration has run; ours has none, Wagtail's search has.
    post_migrate.connect(
        create_empty_indexes,
        sender=apps.get_app_config("wagtailsearch"),
        dispatch_uid="siyu_search_empty_indexes",
    )
    post_migrate.connect(
        index_small_models,
        sender=apps.get_app_config("wagtailsearch"),
        dispatch_uid="siyu_search_small_models",
    )
    post_save.connect(_persona_words, sender=apps.get_model("personas", "Persona"))
    post_save.connect(_topic_words, sender=apps.get_model("editorial_calendar", "HotTopic"))
    post_save.connect(_tag_words, sender=apps.get_model("taggit", "Tag"))


def load_dictionary() -> int:
    """Add every current hot-topic name, tag and persona term (once per process, lazily)."""
    Persona = apps.get_model("personas", "Persona")
    HotTopic = apps.get_model("editorial_calendar", "HotTopic")
    Tag = apps.get_model("taggit", "Tag")
    words: list[str] = list(HotTopic.objects.values_list("name", flat=True))
    words += list(Tag.objects.values_list("name", flat=True))
    for name, catchphrases, address_terms in Persona.objects.values_list(
        "name", "catchphrases", "address_terms"
    ):
        words += [name, *catchphrases, *address_terms]
    return analysis.add_user_words(words)
