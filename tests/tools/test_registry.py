"""Every registered tool carries the metadata the agent, approvals and reviewers rely on."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from pydantic import BaseModel

from tools.registry import DuplicateTool, Registry, ToolSpec, load_builtin_tools

SPECS = load_builtin_tools().all()
STORE_ONLY = (
    "help",
    "ipam.",
    "architecture.refine",
    "architecture.validate",
    "architecture.estimate",
    "architecture.diagram",
    "architecture.export",
    "architecture.list",
    "architecture.show",
    "workflow.",
    "alerts.list",
    "alerts.show",
    "alerts.postmortem",
    "alerts.ack",
    "alerts.resolve",
    "alerts.routes",
    "alerts.silence",
    "alerts.unsilence",
)
"""Tools whose state lives only in CloudFabric's own store: they may call no AWS API at all,
and their changes (IPAM pools and allocations, workflows, alert incidents' acknowledgements,
resolutions and silences) need no AWS write permission (a workflow's steps declare theirs
through their own tools)."""
IAM_ACTION = re.compile(r"^[a-z0-9-]+:[A-Z][A-Za-z0-9*]+$")
MIN_EXAMPLES = 15
"""Fewest example utterances a tool may carry (the offline classifier learns from them)."""
NEGATION = re.compile(r"\b(?:not|no|never|don't|do not|dont)\b|n't\b", re.IGNORECASE)
"""A change is asked for plainly: its examples never say what not to do."""


def fields_described(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items() if not field.description]


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_tool_metadata_is_complete(spec: ToolSpec) -> None:
    assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)?", spec.name)
    assert spec.domain == spec.name.split(".")[0]
    assert spec.description.endswith(".") and len(spec.description) > 15
    assert spec.example and spec.example != spec.description
    assert spec.risk in ("low", "medium", "high", "critical")
    assert issubclass(spec.args_model, BaseModel)
    assert issubclass(spec.result_model, BaseModel)
    assert fields_described(spec.args_model) == []
    assert fields_described(spec.result_model) == []
    assert callable(spec.render) and spec.handler.__doc__
    assert len(spec.function_name) <= 64 and "." not in spec.function_name
    assert all(IAM_ACTION.match(p) for p in spec.permissions), spec.permissions
    if not spec.name.startswith(STORE_ONLY):
        assert spec.permissions, f"{spec.name} declares no IAM permissions"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.mutating], ids=lambda s: s.name)
def test_mutating_tools_have_a_preview_and_real_risk(spec: ToolSpec) -> None:
    assert spec.preview is not None
    if spec.name.startswith(STORE_ONLY):
        return
    verbs = [p.split(":", 1)[1] for p in spec.permissions]
    assert any(not v.startswith(("Describe", "List", "Get")) for v in verbs), spec.permissions


@pytest.mark.parametrize("spec", [s for s in SPECS if not s.mutating], ids=lambda s: s.name)
def test_read_only_tools_have_no_preview(spec: ToolSpec) -> None:
    assert spec.preview is None


def test_every_tool_is_reachable_by_the_offline_router() -> None:
    from agents.offline.slots import load_slots

    builders = load_slots()
    assert set(builders) <= {s.name for s in SPECS}, "slots declared for unknown tools"
    needs_slots = [
        s.name
        for s in SPECS
        if s.name not in builders
        and any(field.is_required() for field in s.args_model.model_fields.values())
    ]
    assert not needs_slots, f"tools with required arguments but no slot builder: {needs_slots}"


def test_slots_declared_twice_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from agents.offline import slots

    twice = SimpleNamespace(__name__="rules.twice", SLOTS=[slots.Slots("help", lambda u: {})] * 2)
    monkeypatch.setattr(slots, "import_submodules", lambda package: [twice])
    with pytest.raises(slots.DuplicateSlots):
        slots.load_slots()


def test_registering_a_name_twice_is_refused() -> None:
    registry = Registry()
    registry.add(SPECS[0])
    with pytest.raises(DuplicateTool):
        registry.add(SPECS[0])


def test_function_names_map_back_to_tools() -> None:
    registry = load_builtin_tools()
    for spec in SPECS:
        assert registry.get(spec.function_name) is spec


def phrasing(text: str) -> str:
    """An utterance as compared for sameness: case, spacing and end punctuation ignored."""
    return " ".join(text.casefold().split()).strip(" ?!.")


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_tool_has_enough_examples(spec: ToolSpec) -> None:
    assert len(spec.examples) >= MIN_EXAMPLES, f"{spec.name}: {len(spec.examples)} examples"
    assert all(e == e.strip() and 3 <= len(e) <= 200 for e in spec.examples), spec.name


def test_examples_are_distinct_across_the_registry() -> None:
    owners: dict[str, set[str]] = {}
    for spec in SPECS:
        for text in (spec.example, *spec.examples):
            owners.setdefault(phrasing(text), set()).add(spec.name)
    shared = {text: sorted(names) for text, names in owners.items() if len(names) > 1}
    assert shared == {}
    for spec in SPECS:
        seen = [phrasing(e) for e in spec.examples]
        assert len(seen) == len(set(seen)), f"{spec.name} repeats an example"


@pytest.mark.parametrize("spec", [s for s in SPECS if s.mutating], ids=lambda s: s.name)
def test_mutating_examples_are_requests(spec: ToolSpec) -> None:
    questions = [e for e in spec.examples if e.rstrip().endswith("?")]
    negated = [e for e in spec.examples if NEGATION.search(e)]
    assert questions == [] and negated == [], spec.name
