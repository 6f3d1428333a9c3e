"""MCP tool arguments from hypothesis: whatever a model sends, a tool answers with a result that
matches its output schema or a tool error carrying a 4xx problem — never an exception."""

import jsonschema
import pytest
from django.core.cache import cache
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from integrations import mcp, tools
from tests.api.test_openapi import FUZZ
from tests.content.factories import ChatScriptFactory, MomentScriptFactory, variable

pytestmark = pytest.mark.django_db

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(
        ["xiaomei", "outsider", "2026-02-30", "2026-10-01", "moment", "text", "会员日"]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def arguments(tool):
    names = list(tool.args.model_json_schema(by_alias=True).get("properties", {}))
    keys = st.sampled_from(names) | st.text(max_size=8) if names else st.text(max_size=8)
    return st.dictionaries(keys, VALUES, max_size=4)


@pytest.fixture
def request_(bot, xiaomei, outsider):
    MomentScriptFactory(persona=xiaomei, title="会员日", variables=[variable("nickname")],
                        messages=[("text", "{{nickname}} 会员日")])  # fmt: skip
    ChatScriptFactory(persona=outsider, title="外人会员日")
    request = RequestFactory().post("/mcp")
    request.auth = bot
    return request


@pytest.mark.parametrize("name", sorted(tools.TOOLS))
def test_any_arguments_give_a_result_or_a_4xx_tool_error(request_, name):
    tool = tools.TOOLS[name]
    output = tool.output.model_json_schema()

    @given(args=arguments(tool))
    @FUZZ
    def check(args):
        cache.clear()
        result = mcp.call(request_, name, args)
        if result.is_error:
            problem = result.structured_content
            assert 400 <= problem["status"] < 500 and problem["code"], problem
        else:
            jsonschema.validate(result.structured_content, output)

    check()
