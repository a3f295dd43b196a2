"""A LangChain chat model that answers with the offline router: deterministic, no network."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agents.offline.router import route

NOT_UNDERSTOOD = (
    "I'm not sure what you'd like me to do. Try asking, for example, "
    "“what instances are running in us-east-1?”, or type *help*."
)


class OfflineChatModel(BaseChatModel):
    """Maps the latest human message to tool calls; summarises tool results briefly."""

    @property
    def _llm_type(self) -> str:
        return "cloudfabric-offline"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineChatModel:
        """Tools are known through the registry's intents; binding changes nothing.

        Args:
            tools: ignored.
            **kwargs: ignored.
        """
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        last = messages[-1]
        if isinstance(last, ToolMessage):
            message = AIMessage(content=_summarise(messages))
        else:
            message = _answer(last)
        return ChatResult(generations=[ChatGeneration(message=message)])


def _answer(message: BaseMessage) -> AIMessage:
    text = message.content if isinstance(message, HumanMessage) else ""
    calls = route(text if isinstance(text, str) else json.dumps(text))
    if not calls:
        return AIMessage(content=NOT_UNDERSTOOD)
    tool_calls = [
        {
            "name": call["name"].replace(".", "_"),
            "args": call["args"],
            "id": f"call_{uuid.uuid4().hex[:12]}",
        }
        for call in calls
    ]
    return AIMessage(content="", tool_calls=tool_calls)


def _summarise(messages: list[BaseMessage]) -> str:
    """Report approval outcomes in words; rendered results and errors speak for themselves."""
    lines: list[str] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        if artifact.get("kind") == "approval":
            lines.insert(0, str(message.content).split("\n", 1)[0])
    return "\n".join(lines)
