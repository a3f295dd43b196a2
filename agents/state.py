"""The graph's state: the messages plus approvals this turn is waiting for."""

from __future__ import annotations

from typing import Any

from langgraph.graph import MessagesState


class AgentState(MessagesState):
    """Messages of the conversation and the approvals requested by the latest tool calls.

    Attributes:
        awaiting: one entry per mutating tool call: ``tool_call_id``, ``approval_id``, ``tool``.
    """

    awaiting: list[dict[str, Any]]
