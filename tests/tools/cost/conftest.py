"""Fixtures of the cost tests: the shared price files read independently of the catalog."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from tests.conftest import SHARED

PRICES = SHARED / "data" / "aws-prices"


@cache
def _raw(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PRICES / name).read_text(), parse_float=Decimal)
    return loaded


@pytest.fixture
def shared_prices() -> Callable[[str], dict[str, Any]]:
    """Reads a shared price file with exact decimals (``shared_prices("ebs.json")``)."""
    return _raw
