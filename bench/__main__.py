"""Run every ``bench/bench_*.py`` in turn: ``python -m bench [--quick]``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    """Run each benchmark module as a script, passing ``--quick`` through."""
    extra = ["--quick"] if "--quick" in sys.argv[1:] else []
    failed = 0
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"== {script.stem}", flush=True)
        module = f"bench.{script.stem}"
        failed += subprocess.call([sys.executable, "-m", module, *extra]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
