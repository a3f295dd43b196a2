"""Follow-ups in a thread: messages that only make sense with the turns before them.

"and in eu-west-1?", "what about web-2", "stop it", "the second one", "yes, do it" (answering
a question the model asked) and "never mind" reuse the thread's last call or its last question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.offline import wording
from agents.offline.decision import Call, Decision, Option
from agents.offline.lexicon import Lexicon
from agents.offline.slots import Target
from agents.offline.utterance import Utterance
from core import patterns

NEVER_MIND = patterns.compile(
    r"^\W*(never ?mind|nvm|cancel( that| it)?|forget (it|that|about it)|no thanks|nope|"
    r"scratch that|abort|drop it)\W*$"
)
NUMBER = patterns.compile(r"^\W*(?:#|option |number |no\.? ?)?(\d{1,2})\W*$")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4}
ORDINAL = patterns.compile(
    r"^\W*(?:the )?(first|1st|second|2nd|third|3rd|fourth|last)\b(?: one| option)?\W*$"
)
YES = patterns.compile(
    r"^\W*(yes|yep|yeah|yup|sure|ok|okay|do it|go ahead|please do|confirm|correct)\b"
    r"[\w ,!.]{0,20}$"
)
AND_ALSO = patterns.compile(r"^\W*(and|what about|how about|same (thing )?(for|in|on)|also|now)\b")
PRONOUN = patterns.compile(r"\b(it|them|that one|this one|those|these|that instance|the same)\b")
SHORT = 8
"""A follow-up of the "and in eu-west-1?" kind has at most this many words."""


@dataclass
class Context:
    """What the thread's earlier turns left to refer back to.

    Attributes:
        calls: the last turn's tool calls (dotted names).
        options: the choices of a question the model asked last, if it is still open.
    """

    calls: list[Call] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)


def answer_to_question(text: str, options: list[Option]) -> Decision | None:
    """The choice a reply picks among the options the model offered, if it picks one.

    Args:
        text: the reply.
        options: what was offered.
    """
    lowered = " ".join(text.lower().split())
    pick = _picked_index(lowered, options)
    if pick is None:
        return None
    chosen = options[pick]
    if chosen.call is None:
        return Decision.say(wording.NEVER_MIND)
    return Decision(calls=(chosen.call,))


def _picked_index(lowered: str, options: list[Option]) -> int | None:
    number = NUMBER.match(lowered)
    ordinal = ORDINAL.match(lowered)
    index: int | None = None
    if number:
        index = int(number.group(1)) - 1
    elif ordinal:
        word = ordinal.group(1)
        index = len(options) - 1 if word == "last" else ORDINALS[word] - 1
    elif YES.match(lowered) and sum(o.call is not None for o in options) == 1:
        index = next(i for i, o in enumerate(options) if o.call is not None)
    else:
        index = next(
            (
                i
                for i, o in enumerate(options)
                if o.label.lower().strip(" .") == lowered.strip(" .?!")
            ),
            None,
        )
    return index if index is not None and 0 <= index < len(options) else None


def same_again(
    u: Utterance, last: Call, target: Target | None, lexicon: Lexicon
) -> Decision | None:
    """ "and in eu-west-1?" / "what about web-2": the last call with one thing changed.

    Args:
        u: the follow-up.
        last: the thread's last call.
        target: that tool's target argument, if it has one.
        lexicon: what exists.
    """
    if not AND_ALSO.search(u.lower) or len(u.tokens) > SHORT:
        return None
    args = dict(last.args)
    changed = False
    if u.regions:
        changed = _set_region(args, u.regions[0])
    if target is not None:
        names = [
            m.entity.name
            for m in lexicon.mentions(u.text)
            if not target.kinds or m.entity.kind in target.kinds
        ]
        if names:
            args[target.arg] = names if target.many else names[0]
            changed = True
    return Decision(calls=(Call(last.tool, args),)) if changed else None


def _set_region(args: dict[str, Any], region: str) -> bool:
    if "regions" in args or ("region" not in args and isinstance(args.get("regions"), list)):
        args["regions"] = [region]
    else:
        args["region"] = region
    return True


def with_referents(text: str, last: Call, target: Target | None) -> str | None:
    """ "stop it" -> "stop web-1": pronouns replaced by the last call's targets.

    Args:
        text: the follow-up.
        last: the thread's last call.
        target: that tool's target argument, if it has one.
    """
    if target is None or not PRONOUN.search(text.lower()):
        return None
    value = last.args.get(target.arg)
    names = [str(v) for v in value] if isinstance(value, list) else [str(value)] if value else []
    if not names:
        return None
    return PRONOUN.sub(" " + " and ".join(names) + " ", text.lower())
