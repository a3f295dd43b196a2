"""Arguments of the IPAM import and export tools: pasted content and its format, a live Amazon
VPC IPAM and its home region, the export format and the pool to export."""

from __future__ import annotations

from typing import Any

from agents.offline.rules.ipam import clean_name, pool_name
from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, Utterance
from core import patterns

FENCED = patterns.compile(r"```(?:\w+\n)?(.*?)```", patterns.DOTALL)
DATA_START = patterns.compile(r"[\[{]")
AMAZON_IPAM = patterns.compile(
    r"\b(?:amazon|aws)(?:'s)?(?: vpc)?[ -]ipam\b|\bvpc ipam\b|\bipam service\b|"
    r"\b(?:from|in|out of) (?:amazon|aws)\b"
)
"""The live Amazon VPC IPAM named as the source ("amazon ipam", "AWS IPAM", "VPC IPAM")."""
EXPORT_FORMATS = (
    (r"\blocals?\b", "terraform-locals"),
    (r"\b(terraform|tf|hcl|opentofu|aws_vpc_ipam_\w+)\b", "terraform"),
    (r"\bjson\b", "json"),
    (r"\b(csv|spreadsheet|excel)\b", "csv"),
)
SUBTREE = patterns.compile(
    r"\b(?:under|below|beneath|inside|within|subtree of|tree of|children of) (?:the )?"
    r"(?:pool )?([a-z0-9][\w.-]*)"
)
EXPORT_OF = patterns.compile(r"\b(?:export|dump|copy|backup|back-up) of (?:the )?([a-z0-9][\w.-]*)")
"""'a csv export of us-east-1': the pool, when the word is name-shaped (a dash or a digit)."""


def _pasted(u: Utterance) -> str:
    """Text pasted with the request: fenced, on the lines after the first, or after a colon."""
    fenced = FENCED.search(u.text)
    if fenced:
        return str(fenced.group(1)).strip()
    if "\n" in u.text.strip():
        return u.text.strip().split("\n", 1)[1].strip()
    data = DATA_START.search(u.text)
    colon = u.text.find(":")
    if data and (colon < 0 or data.start() < colon):
        return u.text[data.start() :].strip()  # 'import json {"pools": ...}': no colon before it
    return u.text.split(":", 1)[1].strip() if colon >= 0 else ""


def _is_data(content: str) -> bool:
    return content[:1] in ("[", "{") or "," in content or "\n" in content


def _import_args(u: Utterance) -> dict[str, Any]:
    content = _pasted(u)
    if not _is_data(content) and AMAZON_IPAM.search(u.lower):
        args: dict[str, Any] = {"format": "amazon-ipam"}
        if u.regions:
            args["ipam_region"] = u.regions[0]
        return args
    said_json = not content and u.has(r"\bjson\b")
    fmt = "json" if content[:1] in ("[", "{") or said_json else "csv"
    return {"content": content, "format": fmt}


def _export_pool(u: Utterance) -> str | None:
    """The pool to export: named next to "pool", or the top of a subtree ("under cloud")."""
    name = pool_name(u)
    if name:
        return name
    for match in SUBTREE.finditer(u.lower, ENTITY_LIMIT):
        word = clean_name(match.group(1))
        if word:
            return word
    for match in EXPORT_OF.finditer(u.lower, ENTITY_LIMIT):
        word = clean_name(match.group(1))
        if word and patterns.search(r"[-\d]", word):
            return word
    return None


def _export_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    fmt = next((name for pattern, name in EXPORT_FORMATS if u.has(pattern)), None)
    if fmt:
        args["format"] = fmt
    pool = _export_pool(u)
    if pool:
        args["pool"] = pool
    return args


SLOTS: list[Slots] = [
    Slots("ipam.import", _import_args),
    Slots("ipam.export", _export_args),
]

TARGETS: dict[str, Target] = {
    "ipam.export": Target("pool", ("pool",), required=False),
}
