"""Messages built to make pattern matching slow, at any length (for the ratio test and bench).

The first four are the inputs that froze a replica with backtracking patterns (``0:`` grew
cubically, ``a1-`` and ``::`` took tens of seconds at 6,000 characters, one long word took
seconds at 40,000); the others aim at the other patterns and entity loops.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

Maker = Callable[[int], str]


def repeated(unit: str) -> Maker:
    """A maker of ``unit`` repeated to exactly the asked length.

    Args:
        unit: the text to repeat.
    """
    return lambda length: (unit * (length // len(unit) + 1))[:length]


def _noise(length: int) -> str:
    alphabet = string.ascii_lowercase + string.digits + " .:-/=\"'`*_<>@|"
    pick = random.Random(length)
    return "".join(pick.choice(alphabet) for _ in range(length))


HOSTILE: dict[str, Maker] = {
    "0:": repeated("0:"),
    "a1-": repeated("a1-"),
    "::": repeated("::"),
    "one long word": repeated("abcdefghij"),
    "mentions without an end": repeated("<@UA|"),
    "priced quantities": repeated("what would 2 db.m5.large 100 gb cost "),
    "tag pairs": repeated("tagged a b c=d "),
    "CIDR-like": repeated("10.0.0.0/16 fe80::1/64 "),
    "punctuation noise": _noise,
}
