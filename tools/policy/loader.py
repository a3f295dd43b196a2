"""Reading a policy file: YAML -> ``PolicyFile``, every problem named with its line.

pydantic reports where a problem is as a path of keys and indexes; the YAML node tree (from
``yaml.compose``) keeps where each node starts, so the path is walked down the tree to the line.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from tools.policy.models import PolicyFile

Location = tuple[str | int, ...]


class PolicyFileError(ValueError):
    """The policy file cannot be used; the message names the file, the line and the reason."""

    def __init__(self, source: str, problems: list[tuple[int | None, str]]) -> None:
        """Keep the problems and say them.

        Args:
            source: the file's name (or ``<text>``).
            problems: ``(line, reason)`` pairs; line is 1-based, None when unknown.
        """
        self.source = source
        self.problems = problems
        lines = [f"{source}:{line or '?'}: {reason}" for line, reason in problems]
        super().__init__("invalid approval policy: " + "; ".join(lines))


def parse_policy(text: str, source: str = "<text>") -> PolicyFile:
    """Validate policy YAML ``text``.

    Args:
        text: the YAML.
        source: its file name, for messages.

    Raises:
        PolicyFileError: the YAML or the policy is invalid (with lines).
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyFileError(source, [(line, f"not valid YAML: {error}")]) from None
    if not isinstance(data, dict):
        raise PolicyFileError(source, [(1, "the policy must be a mapping with a 'rules' list")])
    try:
        policy = PolicyFile.model_validate(data)
    except ValidationError as error:
        problems = [
            (line_of(root, tuple(e["loc"])), _reason(tuple(e["loc"]), e["msg"]))
            for e in error.errors()
        ]
        raise PolicyFileError(source, problems) from None
    found = policy.problems()
    if found:
        raise PolicyFileError(source, [(line_of(root, loc), _reason(loc, r)) for loc, r in found])
    return policy


def load_policy(path: Path) -> PolicyFile:
    """Read and validate the policy file at ``path``.

    Args:
        path: a YAML policy file.

    Raises:
        PolicyFileError: it cannot be read or is invalid.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyFileError(str(path), [(None, f"cannot be read: {error.strerror}")]) from None
    return parse_policy(text, str(path))


def _reason(loc: Location, message: str) -> str:
    where = ".".join(str(part) for part in loc)
    return f"{where}: {message}" if where else message


def line_of(root: yaml.Node | None, loc: Location) -> int | None:
    """The 1-based line of the node at ``loc`` (or of its nearest existing parent).

    Args:
        root: the composed YAML tree.
        loc: keys and indexes from the root.
    """
    node = root
    if node is None:
        return None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None
