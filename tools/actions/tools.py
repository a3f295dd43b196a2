"""Registers every action module of this package (one module per AWS service).

``examples`` is not one: it holds the EBS tools' phrasings, imported by ``ebs``.
"""

from __future__ import annotations

from core.modules import import_submodules

import_submodules("tools.actions", skip={"examples", "tools"})
