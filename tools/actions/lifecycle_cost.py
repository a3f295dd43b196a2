"""What a lifecycle transition saves a month: the bytes already old enough to move, priced at
the list prices of S3 Standard and the target class (``tools/cost/data``, with its as-of date).

Only a bucket of at most ``MAX_OBJECTS`` objects is counted (the objects are listed); a bigger
one, or a class without a published storage price, is "not priced" with the reason.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

from core.aws_read import paginate
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.errors import ToolError

if TYPE_CHECKING:
    from tools.actions.s3_lifecycle import PutLifecycleArgs

MAX_OBJECTS = 10_000
"""Most objects listed to price a transition."""
LIST_PERMISSIONS = ("s3:ListBucket",)
"""IAM actions of counting the objects old enough to move."""
PRICED_CLASSES = {
    "GLACIER": "glacier",
    "GLACIER_IR": "glacier-ir",
    "STANDARD_IA": "standard-ia",
    "ONEZONE_IA": "onezone-ia",
    "INTELLIGENT_TIERING": "intelligent-tiering",
}
"""Target classes with a storage price in the catalog; Deep Archive's is not published."""
GB = Decimal(1024**3)


def transition_cost(
    ctx: ToolContext, client: Any, bucket: str, args: PutLifecycleArgs, notes: list[str]
) -> float | None:
    """Monthly change of storage cost once today's old-enough Standard objects have moved.

    Args:
        ctx: tool context (its clock says which objects are old enough).
        client: S3 client of the bucket's region.
        bucket: the bucket.
        args: the transition.
        notes: the plan's notes; the basis of the figure, or why there is none, is added.
    """
    target = PRICED_CLASSES.get(args.storage_class)
    if target is None:
        notes.append(f"Cost not priced: no published {args.storage_class} storage price.")
        return None
    region = client.meta.region_name
    try:
        standard = catalog().s3_storage("standard", region)
        colder = catalog().s3_storage(target, region)
    except ToolError as error:
        notes.append(f"Cost not priced: {error}")
        return None
    counted = _old_standard_bytes(ctx, client, bucket, args)
    if counted is None:
        notes.append(f"Cost not priced: {bucket} holds more than {MAX_OBJECTS:,} objects.")
        return None
    size, count = counted
    notes.append(
        f"Cost: {count} objects ({size / GB:.3f} GB) are older than {args.transition_days} "
        f"days today: ${standard.usd} -> ${colder.usd}/GB-month (S3 list prices as of "
        f"{colder.as_of}); each move is also a one-time transition request, and objects "
        "that age later save more."
    )
    return float((size / GB * (colder.usd - standard.usd)).quantize(Decimal("0.01")))


def _old_standard_bytes(
    ctx: ToolContext, client: Any, bucket: str, args: PutLifecycleArgs
) -> tuple[Decimal, int] | None:
    cutoff = ctx.clock.now() - timedelta(days=args.transition_days)
    objects = list(islice(paginate(client, "list_objects_v2", "Contents", Bucket=bucket,
                                   Prefix=args.prefix), MAX_OBJECTS + 1))  # fmt: skip
    if len(objects) > MAX_OBJECTS:
        return None
    old = [
        o
        for o in objects
        if o.get("StorageClass", "STANDARD") == "STANDARD" and o["LastModified"] <= cutoff
    ]
    return Decimal(sum(o.get("Size", 0) for o in old)), len(old)
