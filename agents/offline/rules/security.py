"""Arguments of the security tools, read from the message: which account and region to look
at, and whether security groups nothing uses are listed beside the risky ones."""

from __future__ import annotations

from typing import Any

from agents.offline.rules.discovery import ACCOUNT, region
from agents.offline.slots import Slots
from agents.offline.utterance import ENTITY_LIMIT, Utterance
from core import patterns


def scope(u: Utterance) -> dict[str, Any]:
    """The region and the account (12 digits) the question is about, as the tools' filters.

    Args:
        u: the message.
    """
    args = region(u)
    accounts = ACCOUNT.findall(u.text, ENTITY_LIMIT)
    if accounts:
        args["account"] = accounts[0]
    return args


IN_USE_ONLY = patterns.compile(
    r"\b(?:skip|skipping|exclude|excluding|ignore|ignoring|without|omit|omitting|leave out|"
    r"leaving out|hide|hiding|drop|no)\b[^.?!]{0,40}\b(?:unused|unattached|idle|orphan(?:ed|s)?|"
    r"dangling)\b|\bonly\b[^.?!]{0,40}\b(?:in use|in-use|used|attached|active)\b|"
    r"\b(?:in use|in-use|attached|used)(?: ones| groups| sgs)? only\b"
)
"""Unused groups left out: "skip unused", "ignore the unattached ones", "only in-use groups"."""


def _risky_groups_args(u: Utterance) -> dict[str, Any]:
    return {**scope(u), "include_unused": not IN_USE_ONLY.search(u.lower)}


SLOTS: list[Slots] = [
    Slots("security.risky_security_groups", _risky_groups_args),
    Slots("security.public_exposure", scope),
]
