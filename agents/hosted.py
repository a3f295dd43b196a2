"""Hosted chat models: Amazon Bedrock (Converse) and OpenAI-compatible servers.

Their client libraries are imported when a model is built, so the offline default loads
neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import SystemMessage

from agents.prompts import SYSTEM_PROMPT
from agents.toolset import CACHE_POINT
from core.settings import Settings

# Bedrock prompt caching is offered for these model families (AWS "Supported models, Regions
# and limits" for prompt caching); others reject a request carrying a cachePoint.
CACHING_CLAUDE = (
    "claude-3-7-sonnet",
    "claude-3-5-haiku",
    "claude-sonnet-4",
    "claude-opus-4",
    "claude-haiku-4",
)
CACHING_NOVA = ("nova-micro", "nova-lite", "nova-pro", "nova-premier")


@dataclass(frozen=True)
class CachePoints:
    """Where a Bedrock request carries cache checkpoints.

    Attributes:
        system: after the system prompt.
        tools: after the tool list (Amazon Nova caches no tools).
    """

    system: bool = False
    tools: bool = False


def cache_points(settings: Settings) -> CachePoints:
    """The cache checkpoints for the configured Bedrock model (none for other providers).

    Args:
        settings: ``model_provider``, ``bedrock_model_id`` and ``bedrock_prompt_caching``.
    """
    if settings.model_provider != "bedrock" or settings.bedrock_prompt_caching == "off":
        return CachePoints()
    model = settings.bedrock_model_id.lower()
    if any(family in model for family in CACHING_NOVA):
        return CachePoints(system=True)
    known = any(family in model for family in CACHING_CLAUDE)
    if settings.bedrock_prompt_caching == "on" or known:
        return CachePoints(system=True, tools=True)
    return CachePoints()


def system_message(points: CachePoints) -> SystemMessage:
    """The system prompt, closed by a cache checkpoint when ``points.system``.

    Args:
        points: where the request carries cache checkpoints.
    """
    if not points.system:
        return SystemMessage(content=SYSTEM_PROMPT)
    return SystemMessage(content=[{"text": SYSTEM_PROMPT}, CACHE_POINT])


def bedrock_model(settings: Settings, client: Any | None = None) -> BaseChatModel:
    """``ChatBedrockConverse`` for the configured model id.

    Args:
        settings: model id and region.
        client: a ready ``bedrock-runtime`` client (tests pass one with a Stubber).
    """
    from langchain_aws import ChatBedrockConverse

    kwargs: dict[str, Any] = {"model": settings.bedrock_model_id, "temperature": 0}
    if client is not None:
        kwargs["client"] = client
    else:
        kwargs["region_name"] = settings.bedrock_region
    return ChatBedrockConverse(**kwargs)


def openai_model(settings: Settings) -> BaseChatModel:
    """``ChatOpenAI`` for an OpenAI-compatible Chat Completions server.

    Args:
        settings: base URL, API key, model name, timeout and retries.
    """
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    # The client refuses to start without a key; servers that need none ignore this one.
    key = settings.openai_api_key or SecretStr("unset")
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=key,
        timeout=settings.openai_timeout_seconds,
        max_retries=settings.openai_max_retries,
        temperature=0,
    )
