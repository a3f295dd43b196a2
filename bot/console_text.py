"""Slack mrkdwn to terminal text: the console shows the same blocks, readably."""

from __future__ import annotations

import re

EMOJI = {
    ":white_check_mark:": "✔",
    ":x:": "✘",
    ":warning:": "⚠",
    ":no_entry_sign:": "⛔",
    ":no_entry:": "⛔",
    ":information_source:": "\u2139",
    ":large_green_circle:": "●",
    ":large_yellow_circle:": "●",
    ":large_orange_circle:": "●",
    ":red_circle:": "●",
    ":white_circle:": "○",
    ":lock:": "🔒",
    ":hourglass_flowing_sand:": "…",
    ":alarm_clock:": "⏰",
    ":leftwards_arrow_with_hook:": "↩",
}
BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def mrkdwn_to_text(text: str) -> str:
    """Drop Slack markup a terminal cannot show: bold/italic marks, code fences, emoji codes.

    Args:
        text: Slack mrkdwn.
    """
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    text = text.replace("```", "\n").replace("`", "")
    text = LINK.sub(r"\2 (\1)", text)
    text = BOLD.sub(r"\1", text)
    text = ITALIC.sub(r"\1", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
