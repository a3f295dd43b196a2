"""API Gateway REST APIs and the Lambda functions their integrations invoke."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from core.aws_read import paginate
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import Resource

SERVICE = "apigateway"
LAMBDA_INTEGRATIONS = {"AWS", "AWS_PROXY"}
_FUNCTION = re.compile(
    r"/functions/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+)(?=[:/])"
)


@reader("apigateway:GET")
def collect(scope: Scope) -> list[Resource]:
    """Every REST API in the scope, with an INVOKES edge to each Lambda function it calls.

    Args:
        scope: account and region to look at.
    """
    client = scope.client("apigateway")
    return [_api(scope, client, a) for a in paginate(client, "get_rest_apis", "items")]


def lambda_function(uri: str | None) -> str | None:
    """The unqualified ARN of the Lambda function an integration URI invokes.

    ``arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:
    123456789012:function:NAME:live/invocations`` gives ``arn:aws:lambda:...:function:NAME``; an
    alias or version is dropped. URIs that are not Lambda invocations, or whose function name is
    a stage variable, give None.

    Args:
        uri: ``uri`` of a method integration.
    """
    match = _FUNCTION.search(uri or "")
    return match.group(1) if match else None


def _functions(client: Any, api_id: str) -> dict[str, list[str]]:
    """Lambda function ARN -> the routes (``POST /orders``) integrated with it."""
    routes: dict[str, list[str]] = defaultdict(list)
    for resource in paginate(client, "get_resources", "items", restApiId=api_id, embed=["methods"]):
        for verb, method in (resource.get("resourceMethods") or {}).items():
            integration = method.get("methodIntegration") or {}
            function = lambda_function(integration.get("uri"))
            if integration.get("type") in LAMBDA_INTEGRATIONS and function:
                routes[function].append(f"{verb} {resource.get('path', '/')}")
    return routes


def _api(scope: Scope, client: Any, item: dict[str, Any]) -> Resource:
    api_id = item["id"]
    arn = f"arn:aws:apigateway:{scope.region}::/restapis/{api_id}"
    functions = _functions(client, api_id)
    config = {
        "endpoint_types": (item.get("endpointConfiguration") or {}).get("types", []),
        "created": item.get("createdDate"),
        "description": item.get("description"),
        "lambda_functions": sorted(functions),
    }
    return make(
        scope,
        SERVICE,
        "apigateway:rest-api",
        arn,
        api_id,
        name=item.get("name"),
        tags=dict(item.get("tags") or {}),
        state="available",
        config=config,
        relations=[
            rel(arn, "INVOKES", function, ", ".join(sorted(routes)))
            for function, routes in sorted(functions.items())
        ],
    )


SPEC = CollectorSpec.of(SERVICE, collect)
