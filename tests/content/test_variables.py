import pytest

from content.variables import (
    Variable,
    VariableError,
    check,
    malformed,
    placeholders,
    render,
    resolve,
)


def test_placeholders_in_order_without_repeats():
    assert placeholders("{{a}} 和 {{b_2}}，再见 {{a}}") == ["a", "b_2"]


@pytest.mark.parametrize("text", ["{{ }}", "{{a", "a}}", "{{会员}}", "{{1x}}", "{{ a }}"])
def test_malformed_placeholders_are_reported(text):
    assert malformed(text)


def test_well_formed_text_has_no_malformed_fragments():
    assert malformed("宝子们 {{nickname}}，券码 {{coupon_code}}") == []


def test_check_names_undeclared_and_unused_required_variables():
    problems = check(
        ["你好 {{nickname}}"], [Variable("coupon_code", required=True), Variable("x", False, "1")]
    )
    assert {(p.code, p.name) for p in problems} == {
        ("undeclared", "nickname"),
        ("unused_required", "coupon_code"),
    }


def test_render_substitutes_literally_in_one_pass():
    values = {"nickname": "{{coupon_code}}", "coupon_code": "SECRET"}
    assert (
        render("嗨 {{nickname}}，券码 {{coupon_code}}", values) == "嗨 {{coupon_code}}，券码 SECRET"
    )


def test_render_does_not_interpret_backslashes_or_group_references():
    assert render("{{a}}", {"a": r"\1 \g<0> $1"}) == r"\1 \g<0> $1"


def test_resolve_applies_defaults_and_rejects_unknown_and_missing():
    declared = [Variable("nickname"), Variable("days", required=False, default="7")]
    assert resolve(declared, {"nickname": "Amy"}) == {"nickname": "Amy", "days": "7"}
    with pytest.raises(VariableError) as unknown:
        resolve(declared, {"nickname": "Amy", "coupon": "x"})
    assert (unknown.value.code, unknown.value.names) == ("unknown_variables", ["coupon"])
    with pytest.raises(VariableError) as missing:
        resolve(declared, {})
    assert (missing.value.code, missing.value.names) == ("missing_variables", ["nickname"])
