"""The one way CloudFabric finds its parts: the modules a package holds, imported by name.

A new domain plugs in by being there: ``tools/<domain>/tools.py`` registers its tools,
``tools/actions/<service>.py`` its actions, ``agents/offline/rules/<domain>.py`` the slot
builders that read its tools' arguments from a message.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Collection
from types import ModuleType


def import_submodules(
    package: str, *, leaf: str | None = None, skip: Collection[str] = ()
) -> list[ModuleType]:
    """Import the modules directly in ``package``, in name order.

    Args:
        package: dotted package name, e.g. ``agents.offline.rules``.
        leaf: instead of each module, import ``<subpackage>.<leaf>`` of every subpackage that
            has one (``leaf="tools"`` imports ``tools.cost.tools``, ``tools.ipam.tools``...).
        skip: names of modules (or subpackages) to leave alone.
    """
    root = importlib.import_module(package)
    found: list[ModuleType] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if info.name in skip:
            continue
        name = f"{package}.{info.name}"
        if leaf is not None:
            if not info.ispkg or importlib.util.find_spec(f"{name}.{leaf}") is None:
                continue
            name = f"{name}.{leaf}"
        found.append(importlib.import_module(name))
    return found
