"""A PNG of a pool's address space: allocated, reserved and free blocks along the address line."""

from __future__ import annotations

from pathlib import Path

from tools.ipam.cidrs import Network
from tools.ipam.space import AddressSpace

COLOURS = {"allocation": "#d9534f", "pool": "#f0ad4e", "reservation": "#5bc0de", "free": "#5cb85c"}
LABELS = {
    "allocation": "allocated",
    "pool": "child pool",
    "reservation": "reserved",
    "free": "free",
}
MAX_LABELS = 24


def draw(space: AddressSpace, title: str, path: Path) -> Path:
    """Draw one horizontal band per root block, coloured by use, and save it as PNG.

    Args:
        space: the pool's address space.
        title: figure title.
        path: where to write the PNG.
    """
    from matplotlib.figure import Figure  # imported when drawing: it is slow to load
    from matplotlib.patches import Patch

    roots = space.roots
    fig = Figure(figsize=(12, 1.4 + 1.1 * len(roots)))  # Agg canvas, no global pyplot state
    axes = fig.subplots(len(roots), 1, squeeze=False)
    entries = space.entries()
    free = space.free_blocks()
    for axis, root in zip(axes[:, 0], roots, strict=True):
        start, size = int(root.network_address), root.num_addresses
        segments: list[tuple[Network, str, str]] = [
            (e.network, e.kind, e.label)
            for e in entries
            if e.network.subnet_of(root)  # type: ignore[arg-type]
        ]
        segments += [(n, "free", "") for n in free if n.subnet_of(root)]  # type: ignore[arg-type]
        for network, kind, label in segments:
            left = (int(network.network_address) - start) / size
            width = network.num_addresses / size
            axis.barh(
                0,
                width,
                left=left,
                height=0.8,
                color=COLOURS[kind],
                edgecolor="white",
                linewidth=0.3,
            )
            if width > 0.06 and len(segments) <= MAX_LABELS:
                text = f"{network}\n{label}" if label else str(network)
                axis.text(left + width / 2, 0, text, ha="center", va="center", fontsize=7)
        axis.set_xlim(0, 1)
        axis.set_yticks([])
        axis.set_xticks([0, 0.25, 0.5, 0.75, 1])
        axis.set_xticklabels(
            [
                str(space.address(start + int(size * f) - (1 if f == 1 else 0)))
                for f in (0, 0.25, 0.5, 0.75, 1)
            ],
            fontsize=7,
        )
        axis.set_ylabel(str(root), rotation=0, ha="right", va="center", fontsize=8)
    legend = [Patch(color=COLOURS[k], label=LABELS[k]) for k in COLOURS]
    fig.legend(handles=legend, loc="upper right", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=110)
    return path
