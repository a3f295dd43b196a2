"""How people ask what the bot can do."""

from __future__ import annotations

from typing import Any

from agents.offline.intents import Intent
from agents.offline.utterance import Utterance


def _help_args(u: Utterance) -> dict[str, Any]:
    topic = u.lower.split(" with ", 1)[1].strip(" ?.!") if " with " in u.lower else None
    return {"topic": topic} if topic else {}


INTENTS: list[Intent] = [
    Intent(
        tool="help",
        patterns=(
            (r"^\s*(help|\?|commands|menu)\s*[?!.]*$", 5.0),
            (r"\bhelp\b", 2.5),
            (r"\bwhat (else )?can (you|i|cloudfabric) do\b", 4.0),
            (
                r"\b(capabilities|what are you able|how do i use you|what do you (do|support))\b",
                4.0,
            ),
            (r"\b(commands|features|options)\b", 1.5),
            (r"^(hi|hello|hey)\b", 1.0),
        ),
        build=_help_args,
    ),
]
