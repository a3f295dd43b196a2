"""Registers every action module of this package (one module per AWS service)."""

from __future__ import annotations

from core.modules import import_submodules

import_submodules("tools.actions", skip={"tools"})
