"""Hostile request bodies for any HTTP intake, and what every answer to one must look like.

An intake (Slack's endpoint now, the alert endpoints later) gets ``hostile_bodies()``: random
bytes, non-UTF-8, deep nesting, JSON that is not an object, and real payloads with fields
replaced by values of the wrong kind or removed. Each is sent as its sender would sign it and
unsigned; ``assert_handled`` then holds for the answer: never a 5xx, never a traceback.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replaced(document: Any, path: tuple[Any, ...], value: Any, remove: bool) -> Any:
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


@st.composite
def mutated(draw: st.DrawFn, documents: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A real payload with up to three fields given a value of another kind, or removed."""
    document = draw(st.sampled_from(list(documents)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        document = _replaced(document, path, draw(JSON_VALUES), remove=draw(st.booleans()))
    return document


def deep_nesting() -> st.SearchStrategy[bytes]:
    """``[[[[...`` and ``{"a":{"a":...`` at depths up to 200,000, closed or not."""
    return st.builds(
        lambda opener, depth, closed: (
            opener * depth + (b"1" + (b"]" if opener == b"[" else b"}") * depth if closed else b"")
        ),
        st.sampled_from([b"[", b'{"a":']),
        st.sampled_from([10, 1_000, 50_000, 200_000]),
        st.booleans(),
    )


def hostile_bodies(documents: Sequence[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """Bodies an intake must refuse or handle calmly, built around its real ``documents``.

    Args:
        documents: real payloads of the intake (fixtures), to mutate.
    """
    as_json = mutated(documents).map(lambda d: json.dumps(d).encode())
    return st.one_of(
        st.binary(max_size=512),
        st.binary(max_size=64).map(lambda b: b"\xff\xfe" + b + b"\x80"),
        deep_nesting(),
        JSON_SCALARS.map(lambda v: json.dumps(v).encode()),
        st.lists(JSON_VALUES, max_size=3).map(lambda v: json.dumps(v).encode()),
        as_json,
        as_json,
        as_json,
    )


def assert_handled(status: int, body: bytes) -> None:
    """An answer to a hostile body: a 2xx or a 4xx, with no traceback in it.

    Args:
        status: the HTTP status.
        body: the response body.
    """
    assert status < 500, f"{status}: {body[:300]!r}"
    assert b"Traceback" not in body and b'File "' not in body, body[:300]
