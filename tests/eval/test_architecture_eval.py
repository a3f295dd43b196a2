"""The held-out phrasings of the architecture tools (for the router's evaluation) are well formed:
each names a registered tool, its arguments validate, and every tool has at least 25."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from tools.registry import load_builtin_tools

EVAL = Path(__file__).with_name("architecture.jsonl")


def test_every_architecture_tool_has_25_valid_held_out_phrasings() -> None:
    registry = load_builtin_tools()
    rows = [json.loads(line) for line in EVAL.read_text().splitlines() if line.strip()]
    texts = [row["text"].lower() for row in rows]
    assert len(texts) == len(set(texts)), "phrasings are distinct"
    for row in rows:
        registry.get(row["tool"]).args_model.model_validate(row["args"])
    counts = Counter(row["tool"] for row in rows)
    tools = {spec.name for spec in registry.all() if spec.domain == "architecture"}
    assert set(counts) == tools
    assert min(counts.values()) >= 25
    examples = {registry.get(name).example.lower() for name in tools}
    assert not examples & set(texts), "held out: the registry's own examples are not in it"
