"""Registers every action module of this package (one module per AWS service).

``examples``, ``examples_storage`` and ``examples_fixes`` are not: they hold phrasings,
imported by the modules of those tools; the other modules without tools (``finders``,
``lifecycle_cost``, ``outcomes``, ``retention``) only hold what the action modules share.
"""

from __future__ import annotations

from core.modules import import_submodules

import_submodules("tools.actions", skip={"examples", "examples_fixes", "examples_storage", "tools"})
