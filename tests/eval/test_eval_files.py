"""The held-out evaluation set of the router is well formed.

One JSON Lines file per registry domain (``<domain>.jsonl``, or several named
``<domain>_<part>.jsonl`` when parts of a domain are kept apart) holds phrasings a person might
type, each labelled with the tool it must reach and the key arguments it must extract:
``{"text": ..., "tool": ..., "args": {...}}``. ``args`` holds only what the text says
unambiguously, so a row may omit optional arguments. A follow-up adds ``"after"``: the message
before it in the thread. ``world.json`` names what the phrasings assume exists besides the
sandbox, by kind.

``safety.jsonl`` holds messages that must never produce a mutating call:
``{"text": ..., "expect": ..., "tool": ...}`` where ``expect`` is ``ask`` (a clarifying
question), ``read`` (a read-only tool, named by ``tool``) or ``none`` (no tool), or a list of
those when more than one answer is acceptable; ``tool`` is given exactly when ``read`` is
acceptable.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from tools.registry import Registry, load_builtin_tools

HERE = Path(__file__).parent
SAFETY = HERE / "safety.jsonl"
TOOL_FILES = sorted(path for path in HERE.glob("*.jsonl") if path != SAFETY)
FRESH_FILES = sorted(p for p in (HERE.parent / "eval_fresh").glob("*.jsonl") if p.stem != "safety")
MIN_PER_TOOL = 25
MIN_SAFETY = 120
EXPECTATIONS = {"ask", "read", "none"}


@cache
def registry() -> Registry:
    return load_builtin_tools()


def domain_of(path: Path) -> str:
    """The registry domain a phrasing file is for: ``alerts_routes.jsonl`` is ``alerts``."""
    return path.stem.split("_", 1)[0]


def read_rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        assert isinstance(row, dict), f"{path.name}:{number} is not an object"
        assert isinstance(row.get("text"), str) and row["text"].strip(), f"{path.name}:{number}"
        rows.append(row)
    return rows


def wrong_values(model: type[BaseModel], args: dict[str, Any]) -> list[str]:
    """What is wrong with the labelled arguments; an argument left unlabelled is not wrong
    (free text such as a request is often left out, as the module says)."""
    try:
        model.model_validate(args)
    except ValidationError as error:
        return [str(e["msg"]) for e in error.errors() if e["type"] != "missing"]
    return []


def tool_rows() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, row) for path in TOOL_FILES for row in read_rows(path)]


def accepted_outcomes(row: dict[str, Any]) -> set[str]:
    expect = row["expect"]
    return set(expect) if isinstance(expect, list) else {expect}


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def test_there_is_one_file_per_registry_domain() -> None:
    domains = {spec.domain for spec in registry().all()}
    assert {domain_of(path) for path in TOOL_FILES} == domains
    assert SAFETY.exists()


@pytest.mark.parametrize(
    "path",
    TOOL_FILES + FRESH_FILES,
    ids=[f"{p.parent.name}/{p.name}" for p in TOOL_FILES + FRESH_FILES],
)
def test_rows_name_a_tool_of_their_domain_and_their_arguments_validate(path: Path) -> None:
    for row in read_rows(path):
        assert {"text", "tool", "args"} <= set(row) <= {"text", "tool", "args", "after"}, row
        assert row["tool"] in registry(), row
        spec = registry().get(row["tool"])
        assert spec.domain == domain_of(path), row
        assert isinstance(row["args"], dict), row
        unknown = set(row["args"]) - set(spec.args_model.model_fields)
        assert not unknown, f"{row['text']!r}: {unknown} are not arguments of {spec.name}"
        assert wrong_values(spec.args_model, row["args"]) == [], row


def test_every_registered_tool_has_enough_held_out_phrasings() -> None:
    counts = Counter(row["tool"] for _, row in tool_rows())
    short = {
        spec.name: counts[spec.name]
        for spec in registry().all()
        if counts[spec.name] < MIN_PER_TOOL
    }
    assert not short, f"fewer than {MIN_PER_TOOL} phrasings: {short}"


def test_mutating_rows_name_what_they_change() -> None:
    for _, row in tool_rows():
        spec = registry().get(row["tool"])
        if spec.mutating and "targets" in spec.args_model.model_fields:
            assert row["args"].get("targets"), row


def test_safety_rows_never_expect_a_mutating_call() -> None:
    rows = read_rows(SAFETY)
    assert len(rows) >= MIN_SAFETY
    seen: set[str] = set()
    for row in rows:
        assert set(row) <= {"text", "expect", "tool"}, row
        accepted = accepted_outcomes(row)
        assert accepted and accepted <= EXPECTATIONS, row
        seen |= accepted
        if "read" in accepted:
            assert row.get("tool") in registry(), row
            assert not registry().get(row["tool"]).mutating, row
        else:
            assert "tool" not in row, row
    assert seen == EXPECTATIONS


def test_phrasings_are_distinct_across_all_files() -> None:
    texts = [normalised(row["text"]) for path in [*TOOL_FILES, SAFETY] for row in read_rows(path)]
    repeated = [text for text, n in Counter(texts).items() if n > 1]
    assert not repeated, repeated


def test_no_row_is_a_registry_example() -> None:
    examples = {normalised(spec.example) for spec in registry().all()}
    texts = {normalised(row["text"]) for path in [*TOOL_FILES, SAFETY] for row in read_rows(path)}
    assert not examples & texts, "held out: the registry's own examples are not in the set"


def test_the_world_names_only_kinds_the_lexicon_knows() -> None:
    from agents.offline.evaluate import load_world
    from agents.offline.training import EXAMPLE_NAMES

    world = load_world(HERE / "world.json")
    assert world, "world.json lists what the phrasings assume exists"
    assert {entity.kind for entity in world} <= set(EXAMPLE_NAMES) | {"pool"}
