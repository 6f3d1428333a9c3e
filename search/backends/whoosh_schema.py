"""The Whoosh index's schema and documents (search.backends.whoosh): one index per root
concrete model, named by ``_meta.label_lower``. A document has

* ``pk``: the primary key (unique, stored);
* ``ct``: the labels of the concrete model and its parents (multi-table inheritance);
* ``t_<name>``: ``analysis.index_text()`` of each SearchField (``t_<relation>__<name>`` for
  RelatedFields); ``a_<name>``: the same for AutocompleteFields;
* ``f_<attname>``: each top-level FilterField value (BOOLEAN / NUMERIC / DATETIME / ID);
  ``isnull``: the attnames whose value is None.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db.models import Manager
from django.utils import timezone
from django.utils.encoding import force_str
from modelsearch.backends.base import get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from whoosh import fields as wf
from whoosh.analysis import LowercaseFilter, SpaceSeparatedTokenizer

from search import analysis

logger = logging.getLogger(__name__)

PK = "pk"
CT = "ct"
ISNULL = "isnull"

_INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_STR_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField"}


def filter_kind(internal_type: str) -> str:
    """How a FilterField is stored: bool, int, float, datetime, date, str or other (not stored)."""
    if internal_type in ("BooleanField", "NullBooleanField"):
        return "bool"
    if internal_type in _INT_TYPES:
        return "int"
    if internal_type == "FloatField":
        return "float"
    if internal_type == "DateTimeField":
        return "datetime"
    if internal_type == "DateField":
        return "date"
    if internal_type in _STR_TYPES:
        return "str"
    return "other"


def _analyzer():
    # Tokens come pre-analysed from analysis.index_text(); built from Whoosh's own classes so
    # the pickled schema can be loaded anywhere.
    return SpaceSeparatedTokenizer() | LowercaseFilter()


def _text_field():
    return wf.TEXT(analyzer=_analyzer(), phrase=False)


def _whoosh_filter_field(kind: str):
    if kind == "bool":
        return wf.BOOLEAN()
    if kind == "int":
        return wf.NUMERIC(int, bits=64, signed=True)
    if kind == "float":
        return wf.NUMERIC(float, bits=64, signed=True)
    if kind in ("datetime", "date"):
        return wf.DATETIME()
    return wf.ID()


def _field_signature(field) -> tuple:
    return (type(field).__name__, getattr(field, "numtype", None))


class UnknownValue(Exception):
    pass


def _to_utc_naive(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_naive(value):
        if not settings.USE_TZ:
            return value
        value = timezone.make_aware(value, timezone.get_default_timezone())
    return value.astimezone(datetime.UTC).replace(tzinfo=None)


def convert(kind: str, value):
    """A FilterField value as stored in Whoosh; raises UnknownValue if it cannot be."""
    try:
        if kind == "bool" and isinstance(value, bool | int):
            return bool(value)
        if kind == "int" and isinstance(value, int | str) and not isinstance(value, bool):
            return int(value)
        if kind == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if kind == "datetime" and isinstance(value, datetime.datetime):
            return _to_utc_naive(value)
        if kind == "date" and isinstance(value, datetime.date):
            if isinstance(value, datetime.datetime):
                value = value.date()
            return datetime.datetime(value.year, value.month, value.day)
        if kind == "str" and isinstance(value, str):
            return value
    except (TypeError, ValueError, OverflowError) as error:
        raise UnknownValue from error
    raise UnknownValue


def _prepare_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set):
        return "\n".join(_prepare_text(item) for item in value)
    if isinstance(value, dict):
        return "\n".join(_prepare_text(item) for item in value.values())
    return force_str(value)


def _related_objects(field: RelatedFields, obj) -> list:
    sub = field.get_value(obj)
    if sub is None:
        return []
    if isinstance(sub, Manager):
        return list(sub.all())
    if callable(sub):
        sub = sub()
    return [sub]


class TextSpec:
    """A text field of the index: Whoosh name, boost and the name used in ``fields=[...]``."""

    __slots__ = ("name", "boost", "lookup")

    def __init__(self, name, boost, lookup):
        self.name, self.boost, self.lookup = name, boost, lookup


def _text_specs(search_fields, field_class, prefix, lookup_prefix="") -> list[TextSpec]:
    specs = []
    for field in search_fields:
        if isinstance(field, RelatedFields):
            specs += _text_specs(
                field.fields, field_class, prefix, f"{lookup_prefix}{field.field_name}__"
            )
        elif type(field) is field_class:
            lookup = lookup_prefix + field.field_name
            boost = float(getattr(field, "boost", None) or 1.0)
            specs.append(TextSpec(f"{prefix}{lookup}", boost, lookup))
    return specs


def search_specs(model) -> list[TextSpec]:
    return _text_specs(model.get_search_fields(), SearchField, "t_")


def autocomplete_specs(model) -> list[TextSpec]:
    return _text_specs(model.get_search_fields(), AutocompleteField, "a_")


def filter_specs(model) -> list[tuple[str, str, FilterField]]:
    """(whoosh name, kind, field) for the model's top-level FilterFields."""
    return [
        (f"f_{field.get_attname(model)}", filter_kind(field.get_type(model)), field)
        for field in model.get_search_fields()
        if isinstance(field, FilterField)
    ]


def _model_labels(model) -> str:
    concrete = model._meta.concrete_model
    return " ".join(m._meta.label_lower for m in [concrete, *concrete._meta.get_parent_list()])


def root_model(model):
    """The concrete model whose index holds `model`'s documents."""
    return get_model_root(model)._meta.concrete_model


def models_of(root) -> list:
    """The indexed models whose documents live in `root`'s index."""
    models = [m for m in get_indexed_models() if root_model(m) is root]
    return models or [root]


def schema_for(models) -> wf.Schema:
    schema = wf.Schema(
        pk=wf.ID(stored=True, unique=True),
        ct=wf.KEYWORD(lowercase=False, commas=False, scorable=False),
        isnull=wf.KEYWORD(lowercase=False, commas=False, scorable=False),
    )
    for model in models:
        for spec in search_specs(model) + autocomplete_specs(model):
            if spec.name not in schema:
                schema.add(spec.name, _text_field())
        for name, kind, _field in filter_specs(model):
            if name not in schema and kind != "other":
                schema.add(name, _whoosh_filter_field(kind))
    return schema


def document(obj) -> dict:
    """The document of `obj` (see the module docstring)."""
    model = type(obj)
    doc = {PK: str(obj.pk), CT: _model_labels(model)}
    texts: dict[str, list[str]] = {}
    _collect_texts(obj, model.get_search_fields(), "", texts)
    for name, parts in texts.items():
        doc[name] = analysis.index_text("\n".join(p for p in parts if p))
    nulls = []
    for name, kind, field in filter_specs(model):
        value = field.get_value(obj)
        if value is None:
            nulls.append(field.get_attname(model))
        elif kind != "other":
            try:
                doc[name] = convert(kind, value)
            except UnknownValue:
                logger.warning("Cannot index %s=%r of %r", name, value, obj)
    doc[ISNULL] = " ".join(nulls)
    return doc


def _collect_texts(obj, search_fields, lookup_prefix, texts):
    for field in search_fields:
        if isinstance(field, RelatedFields):
            for sub in _related_objects(field, obj):
                _collect_texts(sub, field.fields, f"{lookup_prefix}{field.field_name}__", texts)
        elif type(field) is SearchField:
            name = f"t_{lookup_prefix}{field.field_name}"
            texts.setdefault(name, []).append(_prepare_text(field.get_value(obj)))
        elif type(field) is AutocompleteField:
            name = f"a_{lookup_prefix}{field.field_name}"
            texts.setdefault(name, []).append(_prepare_text(field.get_value(obj)))


def fit(doc: dict, writer_schema, desired) -> dict:
    """Drop values of fields whose type in the existing index differs (until a rebuild)."""
    return {
        name: value
        for name, value in doc.items()
        if name in writer_schema
        and name in desired
        and _field_signature(writer_schema[name]) == _field_signature(desired[name])
    }


def same_schema(current, desired) -> bool:
    signature = {name: _field_signature(field) for name, field in current.items()}
    return signature == {name: _field_signature(field) for name, field in desired.items()}
