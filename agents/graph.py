"""The LangGraph agent: model -> tools -> (approval interrupt) -> model, checkpointed per thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt

from agents import turns
from agents.conversation import workspace_of
from agents.providers import ChatProvider
from agents.state import AgentState
from agents.tool_node import ToolRunner


def _configurable(config: RunnableConfig) -> dict[str, Any]:
    return dict(config.get("configurable") or {})


def build_graph(
    provider: ChatProvider,
    runner: ToolRunner,
    checkpointer: BaseCheckpointSaver[Any],
    *,
    answer_after_reads: bool = False,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the agent graph.

    A turn whose tool calls all came back as rendered read-only results ends after the
    tools: the person sees the blocks, and the model is not asked again to restate them.
    Errors and approval outcomes still go back to the model.

    Args:
        provider: the chat model (with fallback).
        runner: executes tool calls and files approval requests.
        checkpointer: where each conversation's state is kept.
        answer_after_reads: ask the model again after rendered results too (the behaviour
            before reads were answered in one call; the token bench's baseline).
    """

    def model(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        history: list[BaseMessage] = list(state["messages"])
        conversation = _configurable(config)["thread_id"]
        answer = provider.invoke(history, workspace_of(conversation), conversation)
        turns.check()  # a fenced turn's late answer never reaches the conversation
        return {"messages": [answer], "awaiting": []}

    def tools(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        conf = _configurable(config)
        replies, awaiting = runner.run(last, conf.get("user", "unknown"), conf["thread_id"])
        turns.check()
        return {"messages": replies, "awaiting": awaiting}

    def await_approval(state: AgentState) -> dict[str, Any]:
        # Nothing before interrupt(): on resume this node restarts from the top.
        outcomes: dict[str, dict[str, Any]] = interrupt({"awaiting": state["awaiting"]})
        messages = [
            _outcome_message(item, outcomes.get(item["approval_id"], {}))
            for item in state["awaiting"]
        ]
        return {"messages": messages, "awaiting": []}

    def after_model(state: AgentState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else END

    def after_tools(state: AgentState) -> str:
        if state.get("awaiting"):
            return "await_approval"
        if not answer_after_reads and _all_rendered(state["messages"]):
            return END  # the blocks are the answer: no second model call to say so
        return "model"

    graph = StateGraph(AgentState)
    graph.add_node("model", model)
    graph.add_node("tools", tools)
    graph.add_node("await_approval", await_approval)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", after_model, ["tools", END])
    graph.add_conditional_edges("tools", after_tools, ["await_approval", "model", END])
    graph.add_edge("await_approval", "model")
    return graph.compile(checkpointer=checkpointer)


def _all_rendered(messages: Sequence[BaseMessage]) -> bool:
    """True when every tool message after the latest model message is a rendered result."""
    results: list[ToolMessage] = []
    for message in reversed(messages):
        if not isinstance(message, ToolMessage):
            break
        results.append(message)
    return bool(results) and all(_is_rendered(message) for message in results)


def _is_rendered(message: ToolMessage) -> bool:
    artifact = message.artifact if isinstance(message.artifact, dict) else {}
    return artifact.get("kind") == "result" and message.status != "error"


def _outcome_message(item: dict[str, Any], outcome: dict[str, Any]) -> ToolMessage:
    text = outcome.get("text") or f"Approval {item['approval_id']} has no outcome yet."
    failed = outcome.get("state") not in ("SUCCEEDED",)
    return ToolMessage(
        content=text,
        tool_call_id=item["tool_call_id"],
        name=item["tool"].replace(".", "_"),
        status="error" if failed else "success",
        artifact={"kind": "approval", "tool": item["tool"], **item, **outcome},
    )
