"""Small Block Kit builders shared by every domain's ``render.py``."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

SECTION_LIMIT = 2900  # Slack allows 3000 characters per section text


def header(text: str) -> HeaderBlock:
    """A header line (plain text, at most 150 characters).

    Args:
        text: the title.
    """
    return HeaderBlock(text=text[:150])


def inert(untrusted: str) -> str:
    """``untrusted`` made safe for mrkdwn: ``&``, ``<`` and ``>`` escaped, so no mention,
    channel ping or link can come from it (formatting marks like ``*bold*`` still show).

    Args:
        untrusted: text from outside (AWS, an alert, a model's answer).
    """
    return untrusted.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text(markdown: str) -> SectionBlock:
    """A section of mrkdwn text.

    Args:
        markdown: Slack mrkdwn.
    """
    return SectionBlock(text=MarkdownTextObject(text=markdown[:SECTION_LIMIT]))


def fields(pairs: Sequence[tuple[str, str]]) -> SectionBlock:
    """A two-column section of ``label: value`` fields (at most 10).

    Args:
        pairs: (label, value) pairs.
    """
    items = [MarkdownTextObject(text=f"*{label}*\n{value}") for label, value in pairs[:10]]
    return SectionBlock(fields=items)


def note(markdown: str) -> ContextBlock:
    """A small grey context line.

    Args:
        markdown: Slack mrkdwn.
    """
    return ContextBlock(elements=[MarkdownTextObject(text=markdown[:SECTION_LIMIT])])


def divider() -> DividerBlock:
    """A horizontal rule."""
    return DividerBlock()


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[Block]:
    """A monospaced table, split over several sections when it is long.

    Args:
        headers: column titles.
        rows: cell values, one list per row.
    """
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    blocks: list[Block] = []
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_LIMIT - 10:
            blocks.append(text("```" + "\n".join(chunk) + "```"))
            chunk = []
        chunk.append(line)
    blocks.append(text("```" + "\n".join(chunk) + "```"))
    return blocks


def error(message: str) -> list[Block]:
    """Blocks for an expected error, shown as a clear sentence.

    Args:
        message: the sentence.
    """
    return [text(f":warning: {message}")]


def to_text(items: Sequence[Block]) -> str:
    """Plain text of Block Kit blocks, as the console shows them and as a Slack fallback.

    Args:
        items: blocks to flatten.
    """
    lines: list[str] = []
    for block in items:
        lines += _block_lines(block.to_dict())
    return "\n".join(lines)


def _block_lines(block: dict[str, object]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text_of(block.get("text"))
        return [title, "=" * min(len(title), 78)]
    if kind == "divider":
        return ["-" * 40]
    if kind == "section":
        out = [_text_of(block.get("text"))] if block.get("text") else []
        fields = block.get("fields") or []
        out += [_text_of(f).replace("\n", ": ", 1) for f in fields]  # type: ignore[attr-defined]
        return out
    if kind == "context":
        elements = block.get("elements") or []
        return ["  " + " ".join(_text_of(e) for e in elements)]  # type: ignore[attr-defined]
    if kind == "actions":
        elements = block.get("elements") or []
        return ["  ".join(f"[{_text_of(e.get('text'))}]" for e in elements)]  # type: ignore[attr-defined]
    if kind == "image":
        return [f"(image: {block.get('alt_text', '')})"]
    return []


def _text_of(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return "" if value is None else str(value)
