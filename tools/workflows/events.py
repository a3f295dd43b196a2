"""EventBridge event patterns: does an event match?

The semantics are EventBridge's: every field the pattern names must match; a field's list of
values matches when any of them does; an event array matches when any element does. Value
matchers: exact values (strings, numbers, ``true``/``false``, ``null``), ``prefix``, ``suffix``,
``equals-ignore-case``, ``anything-but`` (a value, a list or ``{"prefix": ...}``), ``numeric``
(up to two comparisons, e.g. ``[">=", 0, "<", 100]``) and ``exists``.

One deliberate difference: where EventBridge flattens arrays of objects leaf by leaf, a nested
pattern here must match within one element (port 22 *and* 0.0.0.0/0 in the same permission),
which is what a security rule means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 12
"""Deepest pattern nesting followed; deeper patterns do not match."""
_COMPARE = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
ABSENT = object()


class PatternError(ValueError):
    """The pattern is not one this matcher reads (the message says which part)."""


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    """Whether ``event`` matches the EventBridge ``pattern``.

    Args:
        pattern: e.g. ``{"source": ["aws.ec2"], "detail": {"state": ["stopped"]}}``.
        event: the event (a JSON object).

    Raises:
        PatternError: the pattern has a shape EventBridge does not accept.
    """
    return _object(pattern, event, 0)


def check_pattern(pattern: Mapping[str, Any]) -> None:
    """Raise ``PatternError`` unless ``pattern`` is well formed (runs it against ``{}``).

    Args:
        pattern: an event pattern.
    """
    if not isinstance(pattern, Mapping) or not pattern:
        raise PatternError("an event pattern is a non-empty JSON object")
    _object(pattern, {}, 0, strict=True)


def _object(pattern: Mapping[str, Any], event: Any, depth: int, strict: bool = False) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(event, list):
        return any(_object(pattern, element, depth + 1) for element in event)
    fields = event if isinstance(event, Mapping) else {}
    outcome = True
    for key, wanted in pattern.items():
        value = fields.get(key, ABSENT)
        if isinstance(wanted, Mapping):
            inner = {} if value is ABSENT else value
            ok = _object(wanted, inner, depth + 1, strict)
        elif isinstance(wanted, list):
            ok = _field(wanted, value, strict)
        else:
            raise PatternError(f"'{key}' must map to a list of values or to an object")
        outcome = outcome and ok
        if not outcome and not strict:
            return False
    return outcome


def _field(wanted: list[Any], value: Any, strict: bool) -> bool:
    if strict:
        for matcher in wanted:
            _value(matcher, ABSENT)
        return False
    values = value if isinstance(value, list) and value else [value]
    return any(_value(matcher, v) for matcher in wanted for v in values)


def _value(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return value is not ABSENT and _equal(matcher, value)
    if len(matcher) != 1:
        raise PatternError(f"a value matcher has exactly one key: {sorted(matcher)}")
    ((op, arg),) = matcher.items()
    if op == "exists":
        if not isinstance(arg, bool):
            raise PatternError("'exists' takes true or false")
        return (value is not ABSENT) == arg
    if op in ("prefix", "suffix", "equals-ignore-case"):
        if not isinstance(arg, str):
            raise PatternError(f"'{op}' takes a string")
        return isinstance(value, str) and _text(op, arg, value)
    if op == "anything-but":
        return value is not ABSENT and not _anything_but(arg, value)
    if op == "numeric":
        return _numeric(arg, value)
    raise PatternError(f"'{op}' is not a matcher this reads")


def _equal(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float) and isinstance(value, int | float):
        return float(expected) == float(value)
    return bool(expected == value)


def _text(op: str, arg: str, value: str) -> bool:
    if op == "prefix":
        return value.startswith(arg)
    if op == "suffix":
        return value.endswith(arg)
    return value.casefold() == arg.casefold()


def _anything_but(arg: Any, value: Any) -> bool:
    """True when ``value`` is one of the excluded values."""
    if isinstance(arg, Mapping):
        if set(arg) != {"prefix"} or not isinstance(arg["prefix"], str):
            raise PatternError("'anything-but' takes a value, a list or {\"prefix\": ...}")
        return isinstance(value, str) and value.startswith(arg["prefix"])
    excluded = arg if isinstance(arg, list) else [arg]
    return any(_equal(item, value) for item in excluded)


def _numeric(arg: Any, value: Any) -> bool:
    if not isinstance(arg, list) or len(arg) not in (2, 4):
        raise PatternError('\'numeric\' takes one or two comparisons, e.g. [">=", 0, "<", 5]')
    pairs = [(arg[i], arg[i + 1]) for i in range(0, len(arg), 2)]
    for op, bound in pairs:
        if op not in _COMPARE or isinstance(bound, bool) or not isinstance(bound, int | float):
            raise PatternError(f"'numeric' cannot compare with {op!r} {bound!r}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return all(_COMPARE[op](value, bound) for op, bound in pairs)
