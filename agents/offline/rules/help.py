"""Arguments of ``help``, read from the message: the topic after "with", if any."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots
from agents.offline.utterance import Utterance


def _help_args(u: Utterance) -> dict[str, Any]:
    topic = u.lower.split(" with ", 1)[1].strip(" ?.!") if " with " in u.lower else None
    return {"topic": topic} if topic else {}


SLOTS: list[Slots] = [Slots("help", _help_args)]
