"""Template variables in script text: ``{{name}}``.

One implementation used by the editor's validation, previews, the import command and the API's
render endpoint. Substitution is literal and single-pass: a value that itself contains
``{{x}}`` is inserted as typed and never evaluated again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,49}$")
PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]{0,49})\}\}")
# Anything that looks like an attempt at a placeholder: a run of '{{' ... '}}' or a lone '{{'/'}}'.
_OPEN_CLOSE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
DEFAULTS = "variables"  # where a default is: variables.<name>.default


@dataclass(frozen=True)
class Variable:
    name: str
    required: bool = True
    default: str = ""
    description: str = ""


@dataclass(frozen=True)
class Problem:
    code: str  # malformed | undeclared | unused_required
    name: str
    message: str


def declared(stream) -> list[Variable]:
    """The variables a StreamField of `VariableBlock`s declares (a script's or a sequence's)."""
    return [
        Variable(
            name=block.value["name"],
            required=bool(block.value.get("required")),
            default=block.value.get("default") or "",
            description=block.value.get("description") or "",
        )
        for block in (stream or [])
    ]


def default_texts(stream) -> Iterator[tuple[str, str]]:
    """(where, text) of each declared default: a bot that gives no value sends it as it is, so
    it is text a user reads and is checked like the messages (``variables.<name>.default``)."""
    for block in stream or []:
        default = block.value.get("default") or ""
        if default:
            yield f"{DEFAULTS}.{block.value['name']}.default", default


def is_default(where: str) -> bool:
    return where.startswith(DEFAULTS + ".")


def placeholders(text: str) -> list[str]:
    """Variable names used in `text`, in order of first appearance."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text or "")))


def malformed(text: str) -> list[str]:
    """Placeholder-like fragments that are not valid ``{{name}}`` placeholders."""
    text = text or ""
    bad = [
        "{{" + inner + "}}"
        for inner in _OPEN_CLOSE.findall(text)
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,49}", inner)
    ]
    stripped = _OPEN_CLOSE.sub("", text)
    for token in ("{{", "}}"):
        if token in stripped:
            index = stripped.index(token)
            bad.append(stripped[max(0, index - 5) : index + 10].strip())
    return bad


def check(texts: Iterable[str], declared: Iterable[Variable]) -> list[Problem]:
    """Malformed placeholders, undeclared variables and required variables never used."""
    from django.utils.translation import gettext as _

    declared = list(declared)
    declared_names = {variable.name for variable in declared}
    used: dict[str, None] = {}
    problems: list[Problem] = []
    for text in texts:
        for fragment in malformed(text):
            problems.append(
                Problem(
                    "malformed",
                    fragment,
                    _(
                        "Malformed placeholder “%(fragment)s”: write {{name}} with a name of "
                        "Latin letters, digits and underscores."
                    )
                    % {"fragment": fragment},
                )
            )
        for name in placeholders(text):
            used[name] = None
    for name in used:
        if name not in declared_names:
            problems.append(
                Problem(
                    "undeclared",
                    name,
                    _("Variable {{%(name)s}} is used but not declared.") % {"name": name},
                )
            )
    for variable in declared:
        if variable.required and variable.name not in used:
            problems.append(
                Problem(
                    "unused_required",
                    variable.name,
                    _("Required variable “%(name)s” is declared but never used.")
                    % {"name": variable.name},
                )
            )
    return problems


class VariableError(ValueError):
    def __init__(self, code: str, names: list[str]):
        super().__init__(f"{code}: {', '.join(names)}")
        self.code = code
        self.names = names


def resolve(declared: Iterable[Variable], provided: Mapping[str, str]) -> dict[str, str]:
    """The values to render with: provided values plus defaults.

    Raises VariableError("unknown_variables") for names that are not declared, and
    VariableError("missing_variables") for required ones with neither value nor default.
    """
    declared = list(declared)
    names = {variable.name for variable in declared}
    unknown = sorted(set(provided) - names)
    if unknown:
        raise VariableError("unknown_variables", unknown)
    values: dict[str, str] = {}
    missing: list[str] = []
    for variable in declared:
        if variable.name in provided and provided[variable.name] != "":
            values[variable.name] = str(provided[variable.name])
        elif variable.default != "":
            values[variable.name] = variable.default
        elif variable.required:
            missing.append(variable.name)
        else:
            values[variable.name] = ""
    if missing:
        raise VariableError("missing_variables", missing)
    return values


def render(text: str, values: Mapping[str, str]) -> str:
    """Replace each known ``{{name}}`` in one pass; unknown placeholders are left as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


# Plausible sample values for previews, by a word in the variable's name or description (first
# match wins, so the more specific words come first). A preview never shows a bare placeholder.
_SAMPLES_BY_NAME = {
    "nickname": "小鹿",
    "name": "小鹿",
    "coupon_code": "HY2026",
    "live_time": "今晚 8 点",
    "group_name": "福利1群",
    "order_no": "HY20261122001",
    "product_name": "修护精华",
    "days": "7",
}
_SAMPLES_BY_WORD = (
    (("points", "积分"), "1280"),
    (("date", "日期", "到期", "deadline"), "12月31日"),
    (("time", "时间", "几点"), "今晚 8 点"),
    (("order", "订单"), "HY20261122001"),
    (("code", "码"), "HY2026"),
    (("coupon", "券"), "满199减30"),
    (("price", "amount", "money", "金额", "价格", "元"), "199"),
    (("discount", "折"), "8 折"),
    (("days", "天数"), "7"),
    (("count", "num", "qty", "数量", "人数", "次数"), "3"),
    (("url", "link", "链接"), "https://example.com"),
    (("phone", "mobile", "电话", "手机"), "138****8000"),
    (("product", "商品", "产品"), "修护精华"),
    (("group", "群"), "福利1群"),
    (("city", "城市"), "上海"),
    (("address", "地址"), "上海市静安区"),
    (("name", "nick", "昵称", "姓名", "称呼"), "小鹿"),
)


def sample_value(variable: Variable) -> str:
    """A preview value: the default, an example if one is declared, else a plausible sample."""
    for given in (variable.default, getattr(variable, "example", "")):
        if given:
            return given
    if variable.name in _SAMPLES_BY_NAME:
        return _SAMPLES_BY_NAME[variable.name]
    name = variable.name.lower()
    description = (variable.description or "").lower()
    for where in (name, description):
        for words, sample in _SAMPLES_BY_WORD:
            if any(word in where for word in words):
                return sample
    return variable.description or "示例"


def sample_values(declared: Iterable[Variable]) -> dict[str, str]:
    """Values for previews (sample_value of each declared variable)."""
    return {variable.name: sample_value(variable) for variable in declared}
