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


def connect() -> None:
    # Sent per app with models once every migration has run; ours has none, Wagtail's search has.
    post_migrate.connect(
        create_empty_indexes,
        sender=apps.get_app_config("wagtailsearch"),
        dispatch_uid="siyu_search_empty_indexes",
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
