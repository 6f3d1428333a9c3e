"""Response shapes of the integrations (documentation and MCP output schemas)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Finding(Schema):
    rule: str
    level: Literal["error", "warning"]
    start: int
    end: int
    match: str
    message: str
    citation: str
    suggestions: list[str]


class ComplianceReport(Schema):
    ok: bool
    rule_version: str
    findings: list[Finding]


# Dify's external knowledge API --------------------------------------------------------------
class RetrievalSetting(Schema):
    model_config = ConfigDict(extra="ignore")

    top_k: int = Field(5, ge=1, le=100)
    score_threshold: float = Field(0.0, ge=0.0, le=1.0)


class Condition(Schema):
    model_config = ConfigDict(extra="ignore")

    name: str | list[str]
    comparison_operator: str
    value: str | int | float | list[str] | None = None


class MetadataCondition(Schema):
    model_config = ConfigDict(extra="ignore")

    logical_operator: Literal["and", "or"] = "and"
    conditions: list[Condition] = Field(default_factory=list, max_length=50)


class RetrievalIn(Schema):
    model_config = ConfigDict(extra="ignore")  # Dify may add fields

    knowledge_id: str = Field(max_length=200)
    query: str = Field(max_length=1000)
    retrieval_setting: RetrievalSetting = Field(default_factory=RetrievalSetting)
    metadata_condition: MetadataCondition | None = None


class Record(Schema):
    content: str
    score: float
    title: str
    metadata: dict[str, Any]


class Records(Schema):
    records: list[Record]


class DifyError(Schema):
    error_code: int
    error_msg: str


class ExtensionIn(Schema):
    model_config = ConfigDict(extra="ignore")

    point: str = Field(max_length=100)
    params: dict[str, Any] = Field(default_factory=dict)


# FastGPT's API file library -----------------------------------------------------------------
class FileListIn(Schema):
    model_config = ConfigDict(extra="ignore")

    parentId: str | None = Field(None, max_length=200)  # noqa: N815 (FastGPT's name)
    searchKey: str | None = Field(None, max_length=200)  # noqa: N815


class FileItem(Schema):
    id: str
    parentId: str | None  # noqa: N815
    name: str
    type: Literal["file", "folder"]
    updateTime: str  # noqa: N815
    createTime: str  # noqa: N815


class FastGPTResponse(Schema):
    code: int
    success: bool
    message: str
    data: Any = None
