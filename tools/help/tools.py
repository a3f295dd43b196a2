"""The ``help`` tool: every capability, grouped by domain, with an example for each."""

from __future__ import annotations

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import Block

from tools import blocks
from tools.context import ToolContext
from tools.help import examples
from tools.registry import REGISTRY, tool


class HelpArgs(BaseModel):
    """Optional topic to narrow the list."""

    topic: str | None = Field(default=None, description="Domain or word to filter by.")


class Capability(BaseModel):
    """One tool in words."""

    name: str = Field(description="Tool name.")
    description: str = Field(description="What it does.")
    example: str = Field(description="Something to type to use it.")
    needs_approval: bool = Field(description="True when it changes something.")


class HelpResult(BaseModel):
    """Capabilities grouped by domain."""

    domains: dict[str, list[Capability]] = Field(description="Domain -> its tools.")


def render_help(result: HelpResult) -> list[Block]:
    """One section per domain, examples in quotes, approval marked.

    Args:
        result: the capabilities.
    """
    out: list[Block] = [blocks.text("*Here is what I can do.* Ask in your own words, e.g.:")]
    for domain, capabilities in result.domains.items():
        lines = [
            f"• {c.description} — _“{c.example}”_"
            + (" :lock: needs approval" if c.needs_approval else "")
            for c in capabilities
        ]
        out.append(blocks.text(f"*{domain}*\n" + "\n".join(lines)))
    out.append(blocks.note("Changes are posted for approval and run only after someone approves."))
    return out


@tool(
    name="help",
    description="Explain what CloudFabric can do.",
    example="what can you do?",
    examples=examples.HELP,
    args=HelpArgs,
    result=HelpResult,
    render=render_help,
    permissions=[],
)
def help_tool(ctx: ToolContext, args: HelpArgs) -> HelpResult:
    """List every registered tool, optionally narrowed to a topic.

    Args:
        ctx: tool context (unused: the registry is static).
        args: optional topic.
    """
    domains: dict[str, list[Capability]] = {}
    topic = (args.topic or "").lower()
    for spec in REGISTRY.all():
        if spec.name == "help":
            continue
        if topic and topic not in spec.name and topic not in spec.description.lower():
            continue
        capability = Capability(
            name=spec.name,
            description=spec.description,
            example=spec.example,
            needs_approval=spec.mutating,
        )
        domains.setdefault(spec.domain, []).append(capability)
    return HelpResult(domains=domains)
