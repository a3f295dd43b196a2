"""Registers every action module of this package (one module per AWS service).

``examples`` and ``examples_storage`` are not: they hold the EBS, RDS and S3 tools' phrasings,
imported by the modules of those tools; the other modules without tools (``finders``,
``lifecycle_cost``, ``outcomes``, ``retention``) only hold what the action modules share.
"""

from __future__ import annotations

from core.modules import import_submodules

import_submodules("tools.actions", skip={"examples", "examples_storage", "tools"})
