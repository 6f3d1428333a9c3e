"""Keep jieba's user dictionary in step with hot-topic names, tags and persona terms."""

from django.apps import apps
from django.db.models.signals import post_save

from . import analysis


def _persona_words(instance, **kwargs):
    analysis.add_user_words(
        [instance.name, *instance.catchphrases, *instance.address_terms, *instance.tone_words]
    )


def _topic_words(instance, **kwargs):
    analysis.add_user_words([instance.name])


def _tag_words(instance, **kwargs):
    analysis.add_user_words([instance.name])


def connect() -> None:
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
