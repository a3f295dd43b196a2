"""Arguments of ``policy.explain``: the change asked about, without the question around it
("who could approve stopping web-1?" -> ``stopping web-1``); the whole message when no
question shape is found, so the policy is always asked about something."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots
from agents.offline.utterance import Utterance
from core import patterns

SHAPES = [
    patterns.compile(p)
    for p in (
        r"\bapprovals? (?:does|do|would|will|is|are) (.+?) (?:need|needs|require|requires|take)\b",
        r"\b(?:needed|required|necessary) (?:to|for) (.+)",
        r"\b(?:approve|approves|authori[sz]e|sign(?:s)? off on|ok|okay|greenlight)\s+(.+)",
        r"\b(?:policy|rule)\b.*?\b(?:for|about|on|to|applies to)\s+(.+)",
        r"\b(?:is|would) (.+?) (?:be )?allowed\b",
    )
]
_LEADING = ("a ", "an ", "changes to ", "changes in ", "this change: ", "it: ", "the change ")


def _explain_args(u: Utterance) -> dict[str, Any]:
    text = u.text.strip()
    lower = text.lower()
    phrase = text
    for shape in SHAPES:
        found = shape.search(lower)
        if found:
            phrase = text[found.start(1) : found.end(1)]
            break
    phrase = phrase.strip(" ?.!,;:'\"")
    for lead in _LEADING:
        if phrase.lower().startswith(lead):
            phrase = phrase[len(lead) :]
    return {"request": phrase or text}


SLOTS: list[Slots] = [Slots("policy.explain", _explain_args)]
