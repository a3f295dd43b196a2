"""What every alert has, light to import (no SQL): where it came from, its status and severity,
and the cap on how much untrusted text is kept."""

from __future__ import annotations

from typing import Literal

Source = Literal["sns", "eventbridge", "alertmanager", "grafana"]
Status = Literal["firing", "resolved"]
Severity = Literal["critical", "error", "warning", "info"]
# Untrusted text is kept short: enough to read, never a wall of text.
TITLE_MAX = 300
TEXT_MAX = 2000


def cap(text: object, limit: int = TITLE_MAX) -> str:
    """``text`` as one string of at most ``limit`` characters (an ellipsis marks the cut).

    Args:
        text: any value from a payload.
        limit: the most characters kept.
    """
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"
