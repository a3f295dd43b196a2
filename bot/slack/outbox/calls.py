"""One outbox entry as the Web API call it stands for."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block
from slack_sdk.web import SlackResponse

from bot.slack.outbox.tables import OutboxEntry

POST, UPDATE, EPHEMERAL = "chat.postMessage", "chat.update", "chat.postEphemeral"
REACT_ADD, REACT_REMOVE, UPLOAD = "reactions.add", "reactions.remove", "files.uploadV2"
MESSAGE_METHODS = (POST, UPDATE, EPHEMERAL, REACT_ADD, REACT_REMOVE, UPLOAD)


def jsonable(items: Sequence[Block | dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks as the dicts Slack takes (objects are rendered, dicts kept).

    Args:
        items: Block Kit blocks, as objects or as Slack sent them.
    """
    return [item.to_dict() if isinstance(item, Block) else dict(item) for item in items]


def arguments(entry: OutboxEntry, first: OutboxEntry | None) -> dict[str, Any]:
    """The call's keyword arguments, with the ts (and channel) of the post it waited for.

    Args:
        entry: the entry to send.
        first: the delivered post named by ``entry.after_id``, if any.
    """
    kwargs: dict[str, Any] = json.loads(entry.payload_json)
    if first is not None and entry.after_field:
        kwargs[entry.after_field] = first.result_ts
        if entry.after_field in ("ts", "timestamp"):
            kwargs["channel"] = first.result_channel or first.channel
    return kwargs


def call(client: WebClient, entry: OutboxEntry, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Make the call; returns Slack's answer (raises ``SlackApiError`` when not ok).

    Args:
        client: a Web API client without retry handlers of its own.
        entry: the entry (its method and file).
        kwargs: from ``arguments``.
    """
    senders: dict[str, Callable[..., SlackResponse]] = {
        POST: client.chat_postMessage,
        UPDATE: client.chat_update,
        EPHEMERAL: client.chat_postEphemeral,
        REACT_ADD: client.reactions_add,
        REACT_REMOVE: client.reactions_remove,
    }
    if entry.method == UPLOAD:
        response = client.files_upload_v2(content=entry.file_bytes or b"", **kwargs)
    else:
        response = senders[entry.method](**kwargs)
    return dict(response.data) if isinstance(response.data, dict) else {"ok": True}
