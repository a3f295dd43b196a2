"""A LangChain chat model that answers with the offline understanding layer: no network.

It reads the thread (the last call, a question it asked) so follow-ups work, and when it asks
a question it keeps the choices on the message (``additional_kwargs["cf_options"]``) for the
surfaces to show and for the next turn to pick from.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict

from agents.offline.decision import Call, Decision, Option
from agents.offline.followups import Context
from agents.offline.understand import Understanding, decide_in_thread
from agents.offline.wording import NOT_UNDERSTOOD

OPTIONS_KEY = "cf_options"
"""Where an asking message keeps its choices."""

__all__ = ["NOT_UNDERSTOOD", "OPTIONS_KEY", "OfflineChatModel", "context_of", "message_for"]


class OfflineChatModel(BaseChatModel):
    """Maps the latest human message to tool calls or a question; summarises outcomes briefly."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    understanding: Understanding | None = None

    @property
    def _llm_type(self) -> str:
        return "cloudfabric-offline"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> OfflineChatModel:
        """Tools are known through the registry's examples; binding changes nothing.

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
            message = message_for(self._decide(last, messages[:-1]))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _decide(self, last: BaseMessage, earlier: list[BaseMessage]) -> Decision:
        content = last.content if isinstance(last, HumanMessage) else ""
        text = content if isinstance(content, str) else json.dumps(content)
        understanding = self.understanding or _default()
        return decide_in_thread(understanding, text, context_of(earlier))


def _default() -> Understanding:
    from agents.offline.router import default_understanding

    return default_understanding()


def message_for(decision: Decision) -> AIMessage:
    """The chat message for a decision: tool calls, or text with the question's choices.

    Args:
        decision: what the understanding layer decided.
    """
    if decision.calls:
        return AIMessage(content="", tool_calls=[_tool_call(call) for call in decision.calls])
    if not decision.asks:
        return AIMessage(content=decision.text or NOT_UNDERSTOOD)
    options = [option.as_dict() for option in decision.options]
    return AIMessage(content=decision.text, additional_kwargs={OPTIONS_KEY: options})


def _tool_call(call: Call) -> dict[str, Any]:
    return {
        "name": call.tool.replace(".", "_"),
        "args": call.args,
        "id": f"call_{uuid.uuid4().hex[:12]}",
    }


def context_of(earlier: list[BaseMessage]) -> Context:
    """The thread's last tool calls and the question still open, from its messages.

    Args:
        earlier: the thread's messages before the newest one.
    """
    context = Context()
    for index, message in enumerate(reversed(earlier)):
        if not isinstance(message, AIMessage):
            continue
        options = message.additional_kwargs.get(OPTIONS_KEY)
        if index <= 1 and options and not context.options:
            context.options = [Option.from_dict(o) for o in options]
        if message.tool_calls:
            context.calls = [_dotted(call) for call in message.tool_calls]
            break
    return context


def _dotted(call: Any) -> Call:
    name = str(call["name"])
    domain, _, verb = name.partition("_")
    return Call(f"{domain}.{verb}" if verb else name, dict(call.get("args") or {}))


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
