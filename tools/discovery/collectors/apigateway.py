"""API Gateway REST APIs."""

from __future__ import annotations

from typing import Any

from tools.discovery.collectors.base import CollectorSpec, Scope, make, paginate
from tools.discovery.model import Resource

SERVICE = "apigateway"


def collect(scope: Scope) -> list[Resource]:
    """Every REST API in the scope.

    Args:
        scope: account and region to look at.
    """
    client = scope.client("apigateway")
    return [_api(scope, a) for a in paginate(client, "get_rest_apis", "items")]


def _api(scope: Scope, item: dict[str, Any]) -> Resource:
    api_id = item["id"]
    config = {
        "endpoint_types": (item.get("endpointConfiguration") or {}).get("types", []),
        "created": item.get("createdDate"),
        "description": item.get("description"),
    }
    return make(
        scope,
        SERVICE,
        "apigateway:rest-api",
        f"arn:aws:apigateway:{scope.region}::/restapis/{api_id}",
        api_id,
        name=item.get("name"),
        tags=dict(item.get("tags") or {}),
        state="available",
        config=config,
    )


SPEC = CollectorSpec(name=SERVICE, collect=collect)
