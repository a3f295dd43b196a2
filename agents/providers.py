"""Chat model providers: offline (default) and Amazon Bedrock, with fallback to offline."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage

from agents.offline.model import OfflineChatModel
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

    @classmethod
    def build(
        cls, settings: Settings, registry: Registry, model: BaseChatModel | None = None
    ) -> ChatProvider:
        """Choose the provider from settings (or use ``model`` as the primary).

        Args:
            settings: ``model_provider`` and Bedrock options.
            registry: tools to bind.
            model: an explicit chat model (tests).
        """
        offline = OfflineChatModel()
        if model is None:
            if settings.model_provider == "bedrock":
                model, name = bedrock_model(settings), "bedrock"
            else:
                model, name = offline, "offline"
        else:
            name = "offline" if isinstance(model, OfflineChatModel) else "custom"
        schemas = [tool_schema(spec) for spec in registry.all()]
        return cls(primary=model.bind_tools(schemas), fallback=offline, name=name)  # type: ignore[arg-type]

    def invoke(self, messages: list[BaseMessage]) -> AIMessage:
        """Ask the primary model; fall back to offline with a visible note when it fails.

        Args:
            messages: the conversation so far.
        """
        prompt = [SystemMessage(content=SYSTEM_PROMPT), *messages]
        try:
            return _as_ai(self.primary.invoke(prompt))
        except Exception as error:
            if isinstance(self.primary, OfflineChatModel):
                raise
            log.warning("%s model unavailable, using offline router: %s", self.name, error)
            answer = _as_ai(self.fallback.invoke(messages))
            note = (
                f"_Note: the {self.name} model is unavailable ({type(error).__name__}); "
                "answering with the offline router._"
            )
            content = f"{note}\n{answer.content}" if answer.content else note
            return AIMessage(content=content, tool_calls=answer.tool_calls)


def _as_ai(message: BaseMessage) -> AIMessage:
    if isinstance(message, AIMessage):
        return message
    return AIMessage(content=message.content)
