"""Change detection between a stored resource and a fresh sighting."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tools.discovery.resource_models import Resource

COMPARED = ("name", "state", "tags", "config", "relations", "type")


def comparable(resource: Resource) -> dict[str, Any]:
    """The fields whose change is a change of the resource, in JSON form.

    Args:
        resource: a collected resource.
    """
    data = resource.model_dump(mode="json", include=set(COMPARED))
    data["relations"] = sorted(data["relations"], key=lambda r: json.dumps(r, sort_keys=True))
    return data


def fingerprint(data: dict[str, Any]) -> str:
    """A stable hash of ``comparable(...)`` output.

    Args:
        data: comparable fields.
    """
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Names of what changed: ``state``, ``tags.env``, ``config.instance_type``, ``relations``.

    Args:
        old: comparable fields as stored.
        new: comparable fields as just seen.
    """
    fields: list[str] = []
    for key in COMPARED:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            keys = sorted(set(before) | set(after))
            fields += [f"{key}.{k}" for k in keys if before.get(k) != after.get(k)]
        else:
            fields.append(key)
    return fields


def only_new_keys(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """True when ``new`` differs from ``old`` only by config keys ``old`` never had.

    That is a collector that learned to record more (a newer CloudFabric), not a change of the
    resource: the row is brought up to date without a change event.

    Args:
        old: comparable fields as stored.
        new: comparable fields as just seen.
    """
    if any(old.get(k) != new.get(k) for k in COMPARED if k != "config"):
        return False
    before, after = old.get("config") or {}, new.get("config") or {}
    return set(before) <= set(after) and all(after[k] == v for k, v in before.items())
