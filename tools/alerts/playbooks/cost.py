"""Cost anomaly: the cost domain's spike investigation, its contributors and causes as findings."""

from __future__ import annotations

from decimal import Decimal

from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import EventEvidence, ReadEvidence, quote
from tools.alerts.playbooks.notebook import Notebook
from tools.cost import spike
from tools.cost.changes import LikelyCause
from tools.errors import ToolError

CONTRIBUTORS = 3
"""Contributors cited at most."""


def _cause(book: Notebook, cause: LikelyCause) -> None:
    daily = f" (about ${cause.daily_usd.quantize(Decimal('0.01'))}/day)" if cause.daily_usd else ""
    what = f"{quote(cause.what, 120)}: {quote(cause.resource or '?', 120)}{daily}"
    who = f" by {quote(cause.who, 80)}" if cause.who else ""
    if cause.source == "cloudtrail":
        evidence: EventEvidence | ReadEvidence = EventEvidence(
            source="cloudtrail", event_id="-", name=quote(cause.what, 80),
            user=quote(cause.who, 80) if cause.who else None, at=cause.when,
        )  # fmt: skip
    else:
        facts = {"source": cause.source, "resource": quote(cause.resource or "?", 120),
                 "when": str(cause.when or "?")}  # fmt: skip
        evidence = ReadEvidence(call="inventory", resource=facts["resource"], facts=facts)
    book.found(f"Likely cause: {what}{who}.", 60, evidence)


def run(book: Notebook) -> SuggestedFix | None:
    """Explain a cost anomaly with the spike investigation (no fix: spend is not one knob).

    Args:
        book: the playbook run (signal.fired_at picks the day; earlier days are detected).
    """
    today = book.ctx.clock.today()
    day = book.signal.fired_at.date()
    start = day if day < today else None
    try:
        report = book.read(
            "Cost Explorer spend by day", "ce:GetCostAndUsage",
            lambda: spike.investigate(book.ctx, today=today, start=start),
        )  # fmt: skip
    except ToolError as error:
        book.skip("Cost Explorer spend by day", str(error))
        return None
    if report is None:
        return None
    window = f"{report.window_start} to {report.window_end}"
    for item in report.contributors[:CONTRIBUTORS]:
        facts = {"dimension": item.dimension, "name": quote(item.name, 120),
                 "baseline_daily": f"{item.baseline_daily:.2f}",
                 "window_daily": f"{item.window_daily:.2f}",
                 "window": window}  # fmt: skip
        book.found(
            f"{quote(item.name, 120)} ({item.dimension}) added ${item.added:.2f} over {window}.",
            80, ReadEvidence(call="GetCostAndUsage", resource=quote(item.name, 120), facts=facts),
        )  # fmt: skip
    for cause in report.causes:
        _cause(book, cause)
    return None
