"""Chat model providers: offline (default) and Amazon Bedrock, with fallback to offline."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from agents.offline.lexicon import Lexicon
from agents.offline.model import OfflineChatModel
from agents.offline.understand import Understanding
from agents.prompts import SYSTEM_PROMPT
from core.settings import Settings
from tools.registry import Registry, ToolSpec

log = logging.getLogger(__name__)


def tool_schema(spec: ToolSpec) -> dict[str, Any]:
    """The OpenAI-style function schema for a tool (understood by ``bind_tools``).

    Args:
        spec: the registered tool.
    """
    description = f"{spec.description} Example: “{spec.example}”."
    if spec.mutating:
        description += " Proposes a change that a person must approve before it runs."
    return {
        "type": "function",
        "function": {
            "name": spec.function_name,
            "description": description,
            "parameters": spec.args_model.model_json_schema(),
        },
    }


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


@dataclass
class ChatProvider:
    """The model the graph talks to, with the offline router behind it as a fallback.

    Attributes:
        primary: the configured model (may be the offline one itself).
        fallback: the offline model.
        name: provider name for notes and logs.
    """

    primary: BaseChatModel
    fallback: BaseChatModel
    name: str
    retry_after_seconds: float = 60.0
    _down_until: float = 0.0
    _reason: str = "unreachable"

    @classmethod
    def build(
        cls,
        settings: Settings,
        registry: Registry,
        model: BaseChatModel | None = None,
        lexicon: Callable[[], Lexicon] | None = None,
    ) -> ChatProvider:
        """Choose the provider from settings (or use ``model`` as the primary).

        Args:
            settings: ``model_provider`` and Bedrock options.
            registry: tools to bind.
            model: an explicit chat model (tests).
            lexicon: what exists, for the offline model to link names to (default: the
                sandbox's names).
        """
        understanding = Understanding(registry, lexicon) if lexicon is not None else None
        offline = OfflineChatModel(understanding=understanding)
        if model is None:
            if settings.model_provider == "bedrock":
                model, name = bedrock_model(settings), "bedrock"
            else:
                model, name = offline, "offline"
        else:
            name = "offline" if isinstance(model, OfflineChatModel) else settings.model_provider
        schemas = [tool_schema(spec) for spec in registry.all()]
        return cls(primary=model.bind_tools(schemas), fallback=offline, name=name)  # type: ignore[arg-type]

    def invoke(self, messages: list[BaseMessage]) -> AIMessage:
        """Ask the primary model; fall back to offline with a visible note when it fails.

        After a failure the primary is left alone for ``retry_after_seconds``, so one outage
        does not cost a timeout on every call.

        Args:
            messages: the conversation so far.
        """
        if isinstance(self.primary, OfflineChatModel):
            return _as_ai(self.primary.invoke(messages))
        if time.monotonic() >= self._down_until:
            try:
                return _as_ai(
                    self.primary.invoke([SystemMessage(content=SYSTEM_PROMPT), *messages])
                )
            except Exception as error:  # noqa: BLE001 - any failure of the remote model falls back
                log.warning("%s model unavailable, using offline router: %s", self.name, error)
                self._down_until = time.monotonic() + self.retry_after_seconds
                self._reason = type(error).__name__
        return self._fallback(messages)

    def _fallback(self, messages: list[BaseMessage]) -> AIMessage:
        answer = _as_ai(self.fallback.invoke(messages))
        if not isinstance(messages[-1], HumanMessage):
            return answer  # the note was given at the start of this turn
        note = (
            f"_Note: the {self.name} model is unavailable ({self._reason}); "
            "answering with the offline router._"
        )
        content = f"{note}\n{answer.content}" if answer.content else note
        return AIMessage(content=content, tool_calls=answer.tool_calls)


def _as_ai(message: BaseMessage) -> AIMessage:
    if isinstance(message, AIMessage):
        return message
    return AIMessage(content=message.content)
