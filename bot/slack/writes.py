"""Every Slack write of the bot, queued in the outbox: posts, edits, reactions, uploads.

A post not sent yet is named ``outbox-<id>`` wherever a ts is expected: an edit of it waits for
it and gets its ts (and channel), a reply in its thread gets its ts as ``thread_ts``. Writes of
one thread share a lane (sent in order); the edits of one message share another, where a newer
edit replaces one not sent yet. When an entry can never be delivered, whoever it concerns is
told by DM (itself an outbox entry); an ephemeral message the channel refused goes by DM.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slack_sdk.models.blocks import Block

from agents.reply import Reply
from approvals.service import ApprovalService
from bot.slack import render
from bot.slack.outbox import calls as methods
from bot.slack.outbox.calls import jsonable
from bot.slack.outbox.service import Outbox, Write, entry_of, ref_of
from bot.slack.outbox.tables import DELIVERED, PENDING, OutboxEntry
from tools.blocks import to_text

CARD = "card:"
"""Purpose of an approval card's post: ``card:<approval id>``."""
EPHEMERAL = "ephemeral"
POST_WAIT_SECONDS = 30.0


def thread_lane(channel: str, thread_ts: str | None) -> str:
    """The lane of the writes of one thread (or of a channel's top level).

    Args:
        channel: channel id.
        thread_ts: the thread's ts (or ``outbox-`` name), None for the top level.
    """
    return f"thread:{channel}/{thread_ts or '-'}"


class SlackWrites:
    """Queues writes in the outbox and follows up on their outcome."""

    def __init__(self, outbox: Outbox, approvals: ApprovalService) -> None:
        """Queue in ``outbox``; record delivered cards' places with ``approvals``.

        Args:
            outbox: the durable outbox.
            approvals: approval requests (``record_card``).
        """
        self.outbox = outbox
        self.approvals = approvals
        outbox.delivery.on_delivered.append(self._delivered)
        outbox.delivery.on_dead.append(self._dead)

    def post(
        self,
        channel: str,
        items: Sequence[Block | dict[str, Any]],
        text: str,
        thread_ts: str | None = None,
        requester: str | None = None,
        purpose: str | None = None,
    ) -> str | None:
        """Queue a message; returns its name: ``outbox-<id>`` until Slack gives its ts
        (usable as ``ts`` of ``update`` and as ``thread_ts``), None when its thread is dead.

        Args:
            channel: channel id (a user id for a DM).
            items: Block Kit blocks.
            text: notification fallback text.
            thread_ts: the thread to post in (a ts or an ``outbox-`` name).
            requester: told by DM if the message can never be posted.
            purpose: what the post is for (found again with ``posted_for``).
        """
        return self._post(channel, items, text, thread_ts, requester=requester, purpose=purpose)

    def posted_for(self, purpose: str) -> str | None:
        """The name of the post queued for ``purpose`` (pending or delivered), if there is one.

        Args:
            purpose: what the post was queued for.
        """
        entry = self.outbox.store.for_purpose(purpose)
        return ref_of(entry.id) if entry is not None and entry.id is not None else None

    def _post(
        self,
        channel: str,
        items: Sequence[Block | dict[str, Any]],
        text: str,
        thread_ts: str | None,
        **extra: Any,
    ) -> str | None:
        after = None
        if thread_ts is not None:
            place = self._resolve(channel, thread_ts)
            if place is None:
                return None
            channel, thread_ts, after = place
        payload = {"channel": channel, "blocks": jsonable(items), "text": text[:3000]}
        if thread_ts:
            payload["thread_ts"] = thread_ts
        lane = thread_lane(channel, thread_ts or (ref_of(after) if after else None))
        write = Write(methods.POST, channel, lane, payload, after, "thread_ts", **extra)
        return ref_of(self._queue(write))

    def post_now(
        self, channel: str, items: list[Block], text: str, requester: str | None = None
    ) -> str | None:
        """Post a top-level message and wait for Slack's ts (a thread starts there); None
        when it can never be posted (the requester is told by DM why) or when Slack did not
        take it within ``POST_WAIT_SECONDS`` (it is then withdrawn, and the requester told to
        ask again).

        Args:
            channel: channel id.
            items: Block Kit blocks.
            text: notification fallback text.
            requester: who is told by DM when it is not posted.
        """
        name = self._post(channel, items, text, None, requester=requester)
        entry_id = entry_of(name or "") or 0
        done = self.outbox.wait(entry_id, POST_WAIT_SECONDS)
        if done is None and not self.outbox.store.withdraw(entry_id, self.outbox.clock.now()):
            done = self.outbox.wait(entry_id, POST_WAIT_SECONDS)  # it was being sent
        if done is None and requester:
            notice = render.undeliverable(channel, "ratelimited")
            self.post(requester, notice, to_text(notice))
        return done.result_ts if done is not None and done.state == DELIVERED else None

    def ephemeral(self, channel: str | None, user: str, reply: Reply) -> None:
        """Show ``reply`` to ``user`` only (a DM when there is no channel, or when the
        channel refuses it).

        Args:
            channel: where the user acted, if anywhere.
            user: Slack user id.
            reply: what to show.
        """
        if not channel:
            self.post(user, reply.blocks, reply.text)
            return
        payload = {
            "channel": channel,
            "user": user,
            "blocks": jsonable(reply.blocks),
            "text": reply.text[:3000],
        }
        lane = thread_lane(channel, None)
        self._queue(Write(methods.EPHEMERAL, channel, lane, payload, purpose=EPHEMERAL))

    def react(self, channel: str, ts: str, add: bool, thread_ts: str | None = None) -> None:
        """Add or remove the "working" reaction on a message, in order with the writes of
        its thread (so it is removed only once the answer before it is posted).

        Args:
            channel: channel id.
            ts: message ts.
            add: True to add, False to remove.
            thread_ts: the thread the message belongs to (its own ts when None).
        """
        method = methods.REACT_ADD if add else methods.REACT_REMOVE
        payload = {"channel": channel, "timestamp": ts, "name": render.WORKING_REACTION}
        self._queue(Write(method, channel, thread_lane(channel, thread_ts or ts), payload))

    def upload_file(self, channel: str, thread_ts: str, path: Path) -> None:
        """Upload a PNG into a thread (its bytes are kept in the outbox until sent).

        Args:
            channel: channel id.
            thread_ts: the thread.
            path: the file.
        """
        self.upload_bytes(channel, thread_ts, path.name, path.read_bytes())

    def upload_bytes(
        self,
        channel: str,
        thread_ts: str,
        filename: str,
        content: bytes,
        purpose: str | None = None,
    ) -> bool:
        """Upload a file into a thread, after what was queued there before; a thread whose
        root is still queued (an ``outbox-`` name) gets it once the root is posted. False when
        the root will never be posted.

        Args:
            channel: channel id.
            thread_ts: the thread's ts, or its root's ``outbox-`` name.
            filename: the file's name (also its title).
            content: the file's bytes (kept in the outbox until sent).
            purpose: what the entry is for (found again with ``store.for_purpose``).
        """
        place = self._resolve(channel, thread_ts)
        if place is None:
            return False
        channel, real_ts, after = place
        payload = {"channel": channel, "filename": filename, "title": filename}
        if real_ts:
            payload["thread_ts"] = real_ts
        lane = thread_lane(channel, real_ts or (ref_of(after) if after else None))
        write = Write(methods.UPLOAD, channel, lane, payload, after, "thread_ts",
                      purpose=purpose, file_bytes=content)  # fmt: skip
        self._queue(write)
        return True

    def update(
        self, channel: str, ts: str, items: Sequence[Block | dict[str, Any]], text: str
    ) -> bool:
        """Queue an edit of a message (a newer edit replaces one not sent yet); False when
        the message is known never to have been posted.

        Args:
            channel: channel id.
            ts: the message's ts, or its ``outbox-`` name.
            items: its new Block Kit blocks (objects, or dicts as Slack sent them).
            text: new notification fallback text.
        """
        place = self._resolve(channel, ts)
        if place is None:
            return False
        channel, real_ts, after = place
        payload = {"channel": channel, "blocks": jsonable(items), "text": text[:3000]}
        if real_ts:
            payload["ts"] = real_ts
        write = Write(
            methods.UPDATE, channel, self._message_lane(channel, real_ts, after), payload,
            after=after, after_field="ts", supersede=True,
        )  # fmt: skip
        self._queue(write)
        return True

    def _queue(self, write: Write) -> int:
        entry = self.outbox.queue(write)
        assert entry.id is not None
        return entry.id

    def _resolve(self, channel: str, ts: str) -> tuple[str, str | None, int | None] | None:
        """(channel, ts, None) of a posted message, (channel, None, entry) of one still
        queued, or None when its post is dead."""
        entry_id = entry_of(ts)
        if entry_id is None:
            return channel, ts, None
        entry = self.outbox.store.get(entry_id)
        if entry is None or entry.state not in (PENDING, DELIVERED):
            return None
        if entry.state == DELIVERED:
            return entry.result_channel or entry.channel, entry.result_ts, None
        return entry.channel, None, entry_id

    def _message_lane(self, channel: str, ts: str | None, after: int | None) -> str:
        """One lane per message for its edits, named after the post that made it."""
        if after is None and ts is not None:
            posted = self.outbox.store.posted_as(channel, ts)
            after = posted.id if posted is not None else None
        return f"message:{after}" if after is not None else f"message:{channel}/{ts}"

    def _delivered(self, entry: OutboxEntry) -> None:
        """A card's post is delivered: remember where it is."""
        if entry.purpose and entry.purpose.startswith(CARD) and entry.result_ts:
            channel = entry.result_channel or entry.channel
            self.approvals.record_card(entry.purpose.removeprefix(CARD), channel, entry.result_ts)

    def _dead(self, entry: OutboxEntry) -> None:
        """An entry can never be delivered: tell whom it concerns by DM."""
        error = entry.last_error or "unknown_error"
        if entry.purpose == EPHEMERAL:  # the channel refused it: say it in a DM instead
            payload = json.loads(entry.payload_json)
            self.post(payload["user"], payload.get("blocks") or [], payload.get("text") or "")
            return
        if not entry.requester:
            return
        if entry.purpose and entry.purpose.startswith(CARD):
            notice = render.card_not_posted(entry.channel, error, entry.purpose[len(CARD) :])
        else:
            notice = render.undeliverable(entry.channel, error)
        self.post(entry.requester, notice, to_text(notice))
