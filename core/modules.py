"""The one way CloudFabric finds its parts: the modules a package holds, imported by name.

A new domain plugs in by being there: ``tools/<domain>/tools.py`` registers its tools (a domain
whose tools are split adds ``tools/<domain>/tools_<part>.py`` beside it),
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
        leaf: instead of each module, import ``<subpackage>.<leaf>`` and every
            ``<subpackage>.<leaf>_<part>`` of each subpackage, in name order (``leaf="tools"``
            imports ``tools.cost.tools``, ``tools.alerts.tools_incidents``...).
        skip: names of modules (or subpackages) to leave alone.
    """
    root = importlib.import_module(package)
    found: list[ModuleType] = []
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        if info.name in skip:
            continue
        name = f"{package}.{info.name}"
        if leaf is None:
            found.append(importlib.import_module(name))
        elif info.ispkg:
            found.extend(importlib.import_module(n) for n in _leaves(name, leaf))
    return found


def _leaves(package: str, leaf: str) -> list[str]:
    """Names of ``<package>.<leaf>`` and ``<package>.<leaf>_<part>`` modules, in name order."""
    spec = importlib.util.find_spec(package)
    places = spec.submodule_search_locations if spec is not None else None
    names = sorted(info.name for info in pkgutil.iter_modules(places or []))
    return [f"{package}.{n}" for n in names if n == leaf or n.startswith(f"{leaf}_")]
