"""Run every ``bench/bench_*.py`` in turn: ``python -m bench [--quick] [name ...]``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the selected benchmarks (all by default), passing ``--quick`` through.

    Args:
        argv: command-line words after ``python -m bench``.
    """
    flags = [a for a in argv if a.startswith("-")]
    names = [a for a in argv if not a.startswith("-")]
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        module = f"bench.{script.stem}"
        failed += subprocess.call([sys.executable, "-m", module, *flags]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
