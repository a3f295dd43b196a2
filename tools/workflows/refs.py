"""References between steps (``{steps.find.output.instances}``) and safe message templates.

A reference is a dotted path in braces whose first part is one of ``ROOTS``; it is resolved by
walking dictionaries and lists, never by attribute access or evaluation. Notices are rendered
the same way: unknown references stay visible as ``{...}`` instead of failing the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from core import patterns

ROOTS = ("steps", "event", "item", "workflow", "run")
"""What a reference may start with: earlier steps, the trigger's event, the for-each item,
the workflow itself and the run (its fire time)."""
REFERENCE = patterns.compile(r"\{([a-z_][A-Za-z0-9_.-]{0,200})\}")
MAX_TEMPLATE = 2_000
"""Longest message template, in characters."""
MISSING = object()


class UnknownReference(ValueError):
    """A reference names nothing that exists (yet)."""


def references(value: Any) -> Iterator[str]:
    """Every reference path (``steps.find.output``) inside ``value``, depth first.

    Args:
        value: a step argument: a string, a list or a dict of them.
    """
    if isinstance(value, str):
        for match in REFERENCE.finditer(value, limit=50):
            yield match.group(1)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from references(item)


def lookup(path: str, scope: Mapping[str, Any]) -> Any:
    """The value at a dotted ``path`` in ``scope``, through dict keys and list indexes only;
    a field name after a list of objects takes that field of each (``instances.instance_id``).

    Args:
        path: e.g. ``steps.find.output.instances``.
        scope: the run's values (``steps``, ``event``, ``item``, ...).

    Raises:
        UnknownReference: some part of the path does not exist.
    """
    current: Any = scope
    for part in path.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, list) and all(isinstance(v, Mapping) for v in current):
            current = [v[part] for v in current if part in v]  # a field of every element
        else:
            raise UnknownReference(f"{{{path}}} names nothing: no '{part}' there")
    return current


def resolve(value: Any, scope: Mapping[str, Any]) -> Any:
    """``value`` with its references replaced by what they name.

    A string that is exactly one reference becomes the value itself (a list stays a list);
    references inside longer text are written into it.

    Args:
        value: a step argument.
        scope: the run's values.
    """
    if isinstance(value, str):
        whole = REFERENCE.fullmatch(value)
        if whole is not None:
            return lookup(whole.group(1), scope)
        return REFERENCE.sub(lambda m: _text(lookup(m.group(1), scope)), value)
    if isinstance(value, list):
        return [resolve(item, scope) for item in value]
    if isinstance(value, dict):
        return {key: resolve(item, scope) for key, item in value.items()}
    return value


def render(template: str, scope: Mapping[str, Any]) -> str:
    """A notice from ``template``: known references filled in, unknown ones left as written.

    Args:
        template: text with ``{steps.x.output.y}`` references.
        scope: the run's values.
    """

    def fill(match: Any) -> str:
        try:
            return _text(lookup(match.group(1), scope))
        except UnknownReference:
            return str(match.group(0))

    return REFERENCE.sub(fill, template[:MAX_TEMPLATE])


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value[:50]) or "none"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
