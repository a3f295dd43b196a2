"""The console's rendering: a reply's parts as terminal text, Slack mrkdwn made readable.

The console shows the same blocks as Slack; approval cards come inline (after a rule) and a
question as numbered options, answered by typing the number.
"""

from __future__ import annotations

from agents.reply import Question, Reply
from core import patterns
from core.patterns import Match, Pattern
from tools.blocks import divider, to_text

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
# Replies quote untrusted text (names, tags), so these are RE2 patterns (linear time). RE2 has
# no look-around: the character before a mark is matched, the one after is checked in code.
BOLD = patterns.compile(r"(^|[^\w*])\*([^*\n]+)\*")
ITALIC = patterns.compile(r"(^|[^\w_])_([^_\n]+)_")
LINK = patterns.compile(r"<(https?://[^|>]+)\|([^>]+)>")
BLANK_LINES = patterns.compile(r"\n{3,}")
ONLY_YOU = "(only you can see this) "
ANSWER_BY_NUMBER = "(type a number to answer)"


def mrkdwn_to_text(text: str) -> str:
    """Drop Slack markup a terminal cannot show: bold/italic marks, code fences, emoji codes,
    and the escapes of ``&``, ``<`` and ``>`` (shown as themselves).

    Args:
        text: Slack mrkdwn.
    """
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    text = text.replace("```", "\n").replace("`", "")
    text = LINK.sub(r"\2 (\1)", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _unwrap(BOLD, "*", text)
    text = _unwrap(ITALIC, "_", text)
    return BLANK_LINES.sub("\n\n", text).strip("\n")


def _unwrap(pattern: Pattern, mark: str, text: str) -> str:
    """Drop a pair of ``mark`` around words (``*bold*``), not inside a word (``2*3*4``)."""

    def strip(match: Match) -> str:
        after = text[match.end() : match.end() + 1]
        if after == mark or after.isalnum() or after == "_":
            return str(match.group(0))
        return f"{match.group(1)}{match.group(2)}"

    return pattern.sub(strip, text)


def reply_text(reply: Reply) -> str:
    """A reply as terminal text: the answer, its question as numbered options, its cards
    inline, then the follow-up of a decision.

    Args:
        reply: what the conversation service returned.
    """
    prefix = ONLY_YOU if reply.ephemeral else ""
    return prefix + mrkdwn_to_text(_parts(reply))


def _parts(reply: Reply) -> str:
    parts = [to_text(reply.blocks)] if reply.blocks else []
    if reply.choices is not None:
        parts.append(numbered(reply.choices))
    for card in reply.cards:
        parts.append(to_text([divider(), *card.blocks]) if parts else card.text)
    if reply.followup is not None:
        parts.append(_parts(reply.followup))
    return "\n".join(parts)


def numbered(question: Question) -> str:
    """A question with its choices numbered from 1.

    Args:
        question: the agent's question.
    """
    options = [f"  {n}. {choice.label}" for n, choice in enumerate(question.choices, start=1)]
    return "\n".join([question.prompt, *options, ANSWER_BY_NUMBER])


def chose(label: str) -> str:
    """The line echoing a choice typed as its number.

    Args:
        label: the choice's label.
    """
    return f"(you chose: {label})"
