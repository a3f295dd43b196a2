"""DynamoDB tables (size, billing mode, streams)."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader
from tools.discovery.resource_models import Resource

SERVICE = "dynamodb"


@reader("dynamodb:ListTables", "dynamodb:DescribeTable")
def collect(scope: Scope) -> list[Resource]:
    """Every table in the scope (one DescribeTable per table: the API has no batch form).

    Args:
        scope: account and region to look at.
    """
    ddb = scope.client("dynamodb")
    names = list(paginate(ddb, "list_tables", "TableNames"))
    return [_table(scope, ddb.describe_table(TableName=n)["Table"]) for n in names]


def _table(scope: Scope, item: dict[str, Any]) -> Resource:
    billing = (item.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    config = {
        "size_bytes": item.get("TableSizeBytes", 0),
        "item_count": item.get("ItemCount", 0),
        "billing_mode": billing,
        "stream_arn": item.get("LatestStreamArn"),
        "created": item.get("CreationDateTime"),
    }
    return make(
        scope,
        SERVICE,
        "dynamodb:table",
        item["TableArn"],
        item["TableName"],
        name=item["TableName"],
        state=item.get("TableStatus"),
        config=config,
    )


SPEC = CollectorSpec.of(SERVICE, collect)
