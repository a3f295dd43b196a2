"""What every fake HTTP service of the tests shares: bind 127.0.0.1 on a free port, serve in a
thread, stop, and say its root URL.

A fake is a dataclass holding its state; its request handler class reads that state as
``self.state``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar, Self


@dataclass
class LocalServer:
    """A local HTTP server serving ``handler`` with this object as its state."""

    handler: ClassVar[type[BaseHTTPRequestHandler]]
    """The request handler class; each request reads the fake's state as ``self.state``."""
    _server: ThreadingHTTPServer | None = field(default=None, init=False, repr=False)

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``, once started."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a thread."""
        bound = type("BoundHandler", (self.handler,), {"state": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), bound)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down and release its port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
