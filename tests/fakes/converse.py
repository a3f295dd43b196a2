"""Bedrock Converse answers in the shapes the real service returns, for a botocore Stubber."""

from __future__ import annotations

from typing import Any

import boto3

USAGE = {"inputTokens": 120, "outputTokens": 30, "totalTokens": 150}


def runtime_client() -> Any:
    """A ``bedrock-runtime`` client with test credentials (put a Stubber on it)."""
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def tool_use(name: str, args: dict[str, Any], use_id: str) -> dict[str, Any]:
    """A real Converse response shape asking for one tool.

    Args:
        name: the tool's function name.
        args: its input.
        use_id: the toolUseId.
    """
    return {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"text": "Let me check."},
                    {"toolUse": {"toolUseId": use_id, "name": name, "input": args}},
                ],
            }
        },
        "stopReason": "tool_use",
        "usage": USAGE,
        "metrics": {"latencyMs": 412},
    }


def tool_uses(text: str, *calls: tuple[str, dict[str, Any], str]) -> dict[str, Any]:
    """A real Converse response shape asking for several tools at once.

    Args:
        text: what the model says with them.
        *calls: (tool name, input, toolUseId) triples.
    """
    content: list[dict[str, Any]] = [{"text": text}]
    content += [{"toolUse": {"toolUseId": i, "name": n, "input": a}} for n, a, i in calls]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": USAGE,
        "metrics": {"latencyMs": 512},
    }


def text_reply(text: str) -> dict[str, Any]:
    """A real Converse response shape with a final answer.

    Args:
        text: the answer.
    """
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": USAGE,
        "metrics": {"latencyMs": 230},
    }
