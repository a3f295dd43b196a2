"""The token bench's estimator and cache model (see ``bench.bench_tokens``).

Tokens are characters / 4 of JSON. Bedrock caches the prompt up to each ``cachePoint``, in
the order tools, system, messages: a prefix written by an earlier call is read from the cache
when it is at least ``MIN_CACHED_TOKENS`` long.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CHARS_PER_TOKEN = 4
MIN_CACHED_TOKENS = 1_024
WRITE_PRICE, READ_PRICE = 1.25, 0.1  # of an input token, Bedrock's prices for Claude


def tokens(value: Any) -> float:
    """Estimated tokens of ``value``: characters of its JSON / 4.

    Args:
        value: any JSON-serialisable value.
    """
    return len(json.dumps(value, ensure_ascii=False)) / CHARS_PER_TOKEN


def _is_cache_point(block: Any) -> bool:
    return isinstance(block, dict) and "cachePoint" in block


def checkpoints(body: dict[str, Any]) -> list[tuple[str, float]]:
    """Each cache checkpoint's prefix (as a key) and its tokens, in prompt order.

    Args:
        body: a Converse request body.
    """
    sections = [
        body.get("toolConfig", {}).get("tools", []),
        body.get("system", []),
        body.get("messages", []),
    ]
    found: list[tuple[str, float]] = []
    before: list[list[Any]] = []
    for section in sections:
        for index, block in enumerate(section):
            if _is_cache_point(block):
                prefix = [*before, section[:index]]
                found.append((json.dumps(prefix), sum(tokens(part) for part in prefix)))
        before.append(section)
    return found


@dataclass(frozen=True)
class CallCost:
    """Input tokens of one call or one request (the sum of its calls).

    Attributes:
        calls: model calls.
        total: all input tokens.
        read: tokens read from the cache.
        written: tokens written to the cache.
        cold_written: tokens written when no lookup ever hits.
    """

    calls: int
    total: float
    read: float
    written: float
    cold_written: float

    @property
    def uncached(self) -> float:
        """Input tokens not read from the cache."""
        return self.total - self.read

    @property
    def billed(self) -> float:
        """Input-token equivalents billed, cache writes and reads at their prices."""
        plain = self.total - self.read - self.written
        return plain + WRITE_PRICE * self.written + READ_PRICE * self.read

    @property
    def cold(self) -> float:
        """Input-token equivalents billed when every cache lookup misses."""
        return self.total - self.cold_written + WRITE_PRICE * self.cold_written

    @classmethod
    def total_of(cls, calls: list[CallCost]) -> CallCost:
        """The sum of ``calls``: one request's cost.

        Args:
            calls: the request's model calls.
        """
        return cls(
            calls=sum(c.calls for c in calls),
            total=sum(c.total for c in calls),
            read=sum(c.read for c in calls),
            written=sum(c.written for c in calls),
            cold_written=sum(c.cold_written for c in calls),
        )


@dataclass
class CacheLedger:
    """The prefixes written so far in a run; prices each call against them."""

    written: set[str] = field(default_factory=set)

    def cost(self, body: dict[str, Any]) -> CallCost:
        """The cost of one call with request ``body``, then remember what it wrote.

        Args:
            body: the Converse request body (``modelId`` is not counted).
        """
        total = tokens({k: v for k, v in body.items() if k != "modelId"})
        cacheable = [(key, n) for key, n in checkpoints(body) if n >= MIN_CACHED_TOKENS]
        read = max((n for key, n in cacheable if key in self.written), default=0.0)
        longest = max((n for _, n in cacheable), default=0.0)
        self.written.update(key for key, _ in cacheable)
        return CallCost(1, total, read, max(longest - read, 0.0), longest)
