"""Scoring the offline model on labelled phrasings it never learned from.

Each JSON line is ``{"text": ..., "tool": ..., "args": {...}}``: a phrasing is right when the
model calls that tool with every labelled argument (strings compared without case, lists as
sets, lists of records one for one by their labelled fields). A follow-up carries ``"after":
"<the thread's previous message>"``: that message is decided first, and the row is decided in
its thread, as chat would. ``cloudfabric eval`` prints accuracy overall and per domain, and
the most confused pairs.

The phrasings were written against a workspace that holds a few more things than the sandbox
(architectures designed earlier, say): ``world.json`` beside them lists those by kind, and they
are added to the lexicon while scoring, so "destroy billing" is scored where billing exists.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents.offline.decision import Decision
from agents.offline.followups import Context
from agents.offline.lexicon import Entity, Lexicon
from agents.offline.masking import mask
from agents.offline.understand import CLASSIFIED_CHARS, Understanding, decide_in_thread
from agents.offline.utterance import Utterance

ASKED = "(asked)"
"""What a row "got" when the model asked a question instead of calling a tool."""
SAID = "(no call)"
"""What a row "got" when the model only said something."""


@dataclass(frozen=True)
class Row:
    """One labelled phrasing.

    Attributes:
        text: what a person typed.
        tool: the tool it asks for.
        args: the arguments a right answer must carry.
        after: the thread's previous message, for a follow-up ("" for a first message).
        also: other outcomes that are right for it (``ASKED``, ``SAID``): a safety row that
            accepts "ask" or "none" besides the read it names.
    """

    text: str
    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    after: str = ""
    also: frozenset[str] = frozenset()

    @property
    def domain(self) -> str:
        """The registry domain of the expected tool."""
        return self.tool.split(".", 1)[0]


@dataclass
class Report:
    """The outcome of an evaluation.

    Attributes:
        total: phrasings scored.
        right: phrasings answered with the right tool and arguments.
        right_tool: phrasings answered with the right tool (arguments aside).
        by_domain: domain -> (right, total).
        confused: (expected, got) -> count, for the wrong ones.
        misses: the wrong phrasings with what they got.
    """

    total: int = 0
    right: int = 0
    right_tool: int = 0
    by_domain: dict[str, list[int]] = field(default_factory=dict)
    confused: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[tuple[Row, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of phrasings answered right (tool and arguments)."""
        return self.right / self.total if self.total else 0.0

    def domain_accuracy(self) -> dict[str, float]:
        """Domain -> share answered right."""
        return {d: right / total for d, (right, total) in sorted(self.by_domain.items())}

    def add(self, row: Row, got: str, right_tool: bool, right: bool) -> None:
        """Count one scored phrasing.

        Args:
            row: the phrasing.
            got: the tool called, ``ASKED`` or ``SAID``.
            right_tool: the tool was the expected one.
            right: tool and arguments were right.
        """
        self.total += 1
        self.right_tool += right_tool
        self.right += right
        counts = self.by_domain.setdefault(row.domain, [0, 0])
        counts[0] += right
        counts[1] += 1
        if not right:
            self.confused[(row.tool, got)] += 1
            self.misses.append((row, got))


def load_rows(paths: Iterable[Path]) -> list[Row]:
    """Rows of every JSON Lines file given (files without a ``tool`` per row are skipped).

    Args:
        paths: ``.jsonl`` files.
    """
    rows: list[Row] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            data = json.loads(line) if line.strip() else None
            if data and data.get("tool"):
                args = dict(data.get("args") or {})
                after = str(data.get("after") or "")
                rows.append(Row(data["text"], data["tool"], args, after, _also(data)))
    return rows


def _also(data: dict[str, Any]) -> frozenset[str]:
    expect = data.get("expect", [])
    accepted = set(expect) if isinstance(expect, list) else {expect}
    return frozenset({"ask": ASKED, "none": SAID}[e] for e in accepted & {"ask", "none"})


def load_world(path: Path) -> list[Entity]:
    """The entities a ``world.json`` lists (``{"<kind>": ["<name>", ...]}``); none if absent.

    Args:
        path: the file.
    """
    if not path.is_file():
        return []
    listed: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    return [Entity(name, kind) for kind, names in listed.items() for name in names]


def evaluate(understanding: Understanding, rows: list[Row], world: Iterable[Entity] = ()) -> Report:
    """Score ``rows`` against what the model decides for each phrasing (in its thread).

    Args:
        understanding: the model.
        rows: labelled phrasings.
        world: things that exist besides what ``understanding`` knows.
    """
    lexicon = Lexicon.of([*understanding.lexicon().entities, *world])
    said = [understanding.speller.correct(row.text, lexicon) for row in rows]
    masked = [mask(text[:CLASSIFIED_CHARS], lexicon) for text in said]
    rankings = understanding.classifier.rank_many(masked, top=4)
    report = Report()
    for row, text, ranked in zip(rows, said, rankings, strict=True):
        if row.after:
            decision = _followed_up(understanding, row, lexicon)
        else:
            decided = understanding.decide_ranked(Utterance(text), ranked, lexicon)
            decision = understanding.as_typed(decided, row.text, text, lexicon)
        got = _got(decision)
        right_tool = got == row.tool or got in row.also
        right = got in row.also or (right_tool and args_match(row.args, decision))
        report.add(row, got, right_tool, right)
    return report


def _followed_up(understanding: Understanding, row: Row, lexicon: Lexicon) -> Decision:
    first = understanding.decide(row.after, lexicon)
    context = Context(calls=list(first.calls), options=list(first.options))
    return decide_in_thread(understanding, row.text, context, lexicon)


def _got(decision: Decision) -> str:
    if decision.calls:
        return decision.calls[0].tool
    return ASKED if decision.asks else SAID


def args_match(expected: dict[str, Any], decision: Decision) -> bool:
    """True when the decision's first call carries every expected argument.

    Args:
        expected: labelled arguments.
        decision: what the model decided.
    """
    if not decision.calls:
        return False
    actual = decision.calls[0].args
    return all(_same(value, actual.get(key)) for key, value in expected.items())


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.strip().lower() == actual.strip().lower()
    if isinstance(expected, list) and isinstance(actual, list):
        if any(isinstance(v, dict) for v in expected):
            return _same_records(expected, actual)
        return {_norm(v) for v in expected} == {_norm(v) for v in actual}
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(_same(v, actual.get(k)) for k, v in expected.items())
    return bool(expected == actual)


def _same_records(expected: list[Any], actual: list[Any]) -> bool:
    """Lists of records (resources to price, say): as many as labelled, each one matched by
    its labelled fields, so "two t3.micro" needs two."""
    if len(expected) != len(actual):
        return False
    left = list(actual)
    for want in expected:
        hit = next((i for i, got in enumerate(left) if _same(want, got)), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


def _norm(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else json.dumps(value, sort_keys=True)


def summary(report: Report, most_confused: int = 10) -> list[str]:
    """The report as lines of text.

    Args:
        report: an evaluation's outcome.
        most_confused: how many confused pairs to list.
    """
    lines = [
        f"overall: {report.accuracy:.1%} right ({report.right}/{report.total}); "
        f"right tool {report.right_tool / max(report.total, 1):.1%}",
    ]
    for domain, share in report.domain_accuracy().items():
        right, total = report.by_domain[domain]
        lines.append(f"  {domain:<14} {share:6.1%}  ({right}/{total})")
    if report.confused:
        lines.append("most confused (expected -> got):")
        for (expected, got), count in report.confused.most_common(most_confused):
            lines.append(f"  {count:3d}  {expected} -> {got}")
    return lines
