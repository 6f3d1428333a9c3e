#!/usr/bin/env python3
"""Talk to the CMS's MCP server with the official `mcp` SDK client — what Claude Desktop,
Cursor or a LangChain agent do under the hood.

    python examples/mcp_client.py --url http://127.0.0.1:8000/mcp --token siyu_... \
        [--persona xiaomei]

It lists the tools, takes the first persona's brief (the system prompt for your LLM), searches
its scripts, renders the first hit as plain text and shows what is due today. The token comes
from `python manage.py bot_client create NAME --persona SLUG` (last line).
"""

from __future__ import annotations

import argparse
import asyncio
import json

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client


async def tour(url: str, token: str, persona: str | None = None, query: str = "新品") -> dict:
    """One session: what an agent would do first. Returns what it saw (the test reads it)."""
    seen: dict = {}
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(url, http_client=http) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        info = await session.initialize()
        seen["server"] = info.server_info.name
        seen["tools"] = sorted(tool.name for tool in (await session.list_tools()).tools)
        personas = (await session.call_tool("list_personas", {})).structured_content["items"]
        seen["personas"] = [p["slug"] for p in personas]
        slug = persona or (personas[0]["slug"] if personas else None)
        if slug:
            brief = await session.read_resource(f"persona://{slug}/brief")
            seen["brief"] = brief.contents[0].text
        hits = await session.call_tool("search_scripts", {"q": query, "persona": slug})
        seen["hits"] = hits.structured_content["items"] if not hits.is_error else []
        if seen["hits"]:
            first = seen["hits"][0]["id"]
            rendered = await session.call_tool(
                "render_script", {"id": first, "variables": {}, "format": "text"}
            )
            seen["rendered"] = (
                rendered.structured_content["text"]
                if not rendered.is_error
                else rendered.structured_content  # e.g. {"code": "missing_variables", ...}
            )
        due = await session.call_tool("calendar_due", {"persona": slug} if slug else {})
        seen["due"] = due.structured_content["items"]
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000/mcp")
    parser.add_argument("--token", required=True)
    parser.add_argument("--persona")
    parser.add_argument("--query", default="新品")
    args = parser.parse_args()
    seen = asyncio.run(tour(args.url, args.token, args.persona, args.query))
    print(json.dumps(seen, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
