"""Registers every action module of this package (one module per AWS service)."""

from __future__ import annotations

import importlib
import pkgutil

import tools.actions as package

for _module in pkgutil.iter_modules(package.__path__):
    if _module.name != "tools":
        importlib.import_module(f"tools.actions.{_module.name}")
