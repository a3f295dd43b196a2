"""What the offline model decided for one message: tool calls, or a question with choices, or
a sentence. The shapes the understanding layer returns and the chat model turns into messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Call:
    """One tool call.

    Attributes:
        tool: registered (dotted) tool name.
        args: its arguments.
    """

    tool: str
    args: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """``{"name": ..., "args": ...}``: the router's and ``explain``'s shape."""
        return {"name": self.tool, "args": dict(self.args)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Call:
        """The call ``as_dict`` made.

        Args:
            data: ``{"name": ..., "args": ...}``.
        """
        return cls(str(data["name"]), dict(data.get("args") or {}))


@dataclass(frozen=True)
class Option:
    """One answer to a question the model asks.

    Attributes:
        label: what the person sees (a button, or a numbered line in the console).
        call: what choosing it does (``None``: nothing, e.g. "never mind").
    """

    label: str
    call: Call | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (kept in the conversation so a later turn can pick it)."""
        return {"label": self.label, "call": self.call.as_dict() if self.call else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Option:
        """The option ``as_dict`` made.

        Args:
            data: ``{"label": ..., "call": ...}``.
        """
        call = data.get("call")
        return cls(str(data.get("label", "")), Call.from_dict(call) if call else None)


@dataclass(frozen=True)
class Decision:
    """The model's answer to one message.

    Attributes:
        calls: tools to call (none when asking or answering in words).
        text: a sentence to say; with ``options``, the question.
        options: the choices of a question.
    """

    calls: tuple[Call, ...] = ()
    text: str = ""
    options: tuple[Option, ...] = ()

    @property
    def asks(self) -> bool:
        """True when the model asks a question with choices instead of acting."""
        return bool(self.options)

    @classmethod
    def call(cls, tool: str, args: dict[str, Any]) -> Decision:
        """A decision to call one tool.

        Args:
            tool: registered tool name.
            args: its arguments.
        """
        return cls(calls=(Call(tool, args),))

    @classmethod
    def ask(cls, question: str, options: list[Option]) -> Decision:
        """A question with choices.

        Args:
            question: what to ask.
            options: the choices.
        """
        return cls(text=question, options=tuple(options))

    @classmethod
    def say(cls, text: str) -> Decision:
        """A sentence and no call.

        Args:
            text: what to say.
        """
        return cls(text=text)
