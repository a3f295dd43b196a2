"""What a tool handler receives besides its arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.clock import Clock

if TYPE_CHECKING:
    from core.aws import AwsClients
    from core.db import Database
    from core.settings import Settings


@dataclass
class ToolContext:
    """Services a tool may use; built once by the composition root and shared.

    Attributes:
        settings: the runtime settings.
        aws: factory for boto3 clients (sandbox or live).
        db: the SQL store.
        actor: the user on whose behalf the tool runs.
        extras: domain services registered by the composition root (e.g. the inventory store).
        clock: the one source of "now".
    """

    settings: Settings
    aws: AwsClients
    db: Database
    actor: str = "system"
    extras: dict[str, object] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)

    def as_actor(self, actor: str) -> ToolContext:
        """The same context acting for another user.

        Args:
            actor: user id the calls are made for.
        """
        return ToolContext(self.settings, self.aws, self.db, actor, self.extras, self.clock)

    def new_file(self, folder: str, stem: str, suffix: str = ".png") -> Path:
        """A fresh path for a file the tool writes (a chart, a diagram) under the data folder.

        The name carries the clock's UTC time to the microsecond, so files sort by when they
        were made and two never share a name.

        Args:
            folder: sub-folder of the data folder (``charts``, ``diagrams``, ``images``).
            stem: what the file shows; anything but letters, digits, ``.``, ``_`` and ``-``
                becomes ``-``.
            suffix: file extension.
        """
        safe = re.sub(r"[^\w.-]", "-", stem)[:60]
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%f")
        return self.settings.data_dir / folder / f"{safe}-{stamp}{suffix}"
