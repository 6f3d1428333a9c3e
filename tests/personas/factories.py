import factory
from wagtail.images.tests.utils import get_test_image_file

from personas.enums import Archetype, Channel
from personas.models import AudienceSegment, Persona, PersonaChannel


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"图片{n}")
    file = factory.LazyFunction(get_test_image_file)


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"人设{n}")
    slug = factory.Sequence(lambda n: f"persona-{n}")
    brand = "花漾美妆"
    archetype = Archetype.SHOPPING_BUDDY
    positioning = "敏感肌护肤"
    bio = "做了六年美妆顾问。"
    relationship = "像一起逛街的闺蜜。"
    tone_words = factory.LazyFunction(lambda: ["亲切", "真诚"])
    catchphrases = factory.LazyFunction(lambda: ["闭眼入不踩雷"])
    address_terms = factory.LazyFunction(lambda: ["宝子们", "姐妹们"])
    emoji_style = "每条 1–3 个"
    sign_off = "有问题随时戳我哦～"
    do_examples = factory.LazyFunction(lambda: ["宝子们，这支我自己用了两周～"])
    dont_examples = factory.LazyFunction(lambda: ["全网最低价！"])
    banned_words = factory.LazyFunction(lambda: ["全网最低", "根治"])

    @classmethod
    def _create(cls, model_class, *args, publish=True, **kwargs):
        persona = super()._create(model_class, *args, **kwargs)
        if publish:
            persona.save_revision().publish()
        return persona


class PersonaChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonaChannel

    persona = factory.SubFactory(PersonaFactory)
    channel = Channel.WECHAT
    handle = factory.Sequence(lambda n: f"handle_{n}")


class AudienceSegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceSegment
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"segment-{n}")
    name = factory.Sequence(lambda n: f"分层{n}")
