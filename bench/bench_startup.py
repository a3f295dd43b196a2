"""How long the command line takes to start, against ``python -c pass`` measured in the same run.

Times, each the median of several runs in fresh processes: ``python -c pass``; ``cloudfabric
--help``; ``cloudfabric explain "<one message>"``; and starting the sandbox (moto plus the seeded
demo estate), the cost a message's answer pays before any tool runs. Two rounds: *warm*, with
compiled bytecode cached (as an installed package runs), and *cold*, with CloudFabric and its
dependencies compiled from source on every start and only the standard library's bytecode cached
(a fresh ``uv sync`` run under ``PYTHONDONTWRITEBYTECODE=1``). Each round uses a private bytecode
folder, so earlier runs on the machine do not change the figures.

Targets: ``--help`` under 0.5 s, and ``explain`` under 1 s more than starting the sandbox.
``explain`` starts no sandbox (it links names against the sandbox's known names) but learns the
offline classifier from the registry's examples, and importing scikit-learn is most of its
cost; its distance from ``python -c pass`` is printed too.

    uv run python -m bench.bench_startup [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP_TARGET_S = 0.5
EXPLAIN_MARGIN_S = 1.0
MESSAGE = "stop batch-worker"
SANDBOX = (
    "from core.sandbox import Sandbox; from core.settings import Settings; "
    "Sandbox().start(Settings(_env_file=None))"
)
CLI = "import sys; from bot.cli import main; sys.argv[0] = 'cloudfabric'; main()"


def commands() -> dict[str, list[str]]:
    """What is timed, as argv lists run with this interpreter."""
    python = sys.executable
    return {
        "python -c pass": [python, "-c", "pass"],
        "cloudfabric --help": [python, "-c", CLI, "--help"],
        f'cloudfabric explain "{MESSAGE}"': [python, "-c", CLI, "explain", MESSAGE],
        "start the sandbox": [python, "-c", SANDBOX],
    }


def _environment(cache: Path, cold: bool) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cache_standard_library(cache: Path) -> None:
    """Compile the standard library's bytecode into ``cache``, as a Python install ships it.

    Args:
        cache: the round's private bytecode folder.
    """
    skip = re.compile(r"[/\\](test|tests|idlelib|tkinter|turtledemo|lib2to3|site-packages)[/\\]")
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = (
        "import compileall, re, sys, sysconfig; "
        "compileall.compile_dir(sysconfig.get_paths()['stdlib'], quiet=2, workers=0, "
        "rx=re.compile(sys.argv[1]))"
    )
    subprocess.run([sys.executable, "-c", code, skip.pattern], env=env, check=True)


def time_once(argv: list[str], env: dict[str, str], workdir: Path) -> float:
    """Seconds one run takes (it must succeed).

    Args:
        argv: the command.
        env: its environment.
        workdir: where it runs (a scratch folder, so nothing lands in the checkout).
    """
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=workdir, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(runs: int, cold: bool) -> dict[str, float]:
    """Median seconds of each command.

    Args:
        runs: runs per command.
        cold: compile every module from source instead of using cached bytecode.
    """
    cache = Path(tempfile.mkdtemp(prefix="cf-bytecode-"))
    workdir = Path(tempfile.mkdtemp(prefix="cf-startup-"))
    env = _environment(cache, cold)
    env["CF_DATA_DIR"] = str(workdir / "cf")
    try:
        if cold:
            cache_standard_library(cache)
        else:
            for argv in commands().values():  # fill the bytecode cache once
                time_once(argv, env, workdir)
        return {
            name: statistics.median(time_once(argv, env, workdir) for _ in range(runs))
            for name, argv in commands().items()
        }
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)


def report(label: str, seconds: dict[str, float]) -> bool:
    """Print one round and say whether it meets the targets.

    Args:
        label: warm or cold.
        seconds: what ``measure`` returned.
    """
    names = list(commands())
    base, help_s, explain_s, sandbox_s = (seconds[n] for n in names)
    print(f"{label}:")
    for name in names:
        print(f"  {name:<40} {seconds[name]:6.3f} s   {seconds[name] / base:6.1f}x python -c pass")
    help_ok = help_s < HELP_TARGET_S
    explain_ok = explain_s - sandbox_s < EXPLAIN_MARGIN_S
    print(
        f"  --help: {help_s:.3f} s (target < {HELP_TARGET_S} s: {'met' if help_ok else 'MISSED'})"
    )
    print(
        f"  explain - sandbox start: {explain_s - sandbox_s:+.3f} s "
        f"(target < {EXPLAIN_MARGIN_S} s: {'met' if explain_ok else 'MISSED'}); "
        f"explain - python: {explain_s - base:.3f} s"
    )
    return help_ok and explain_ok


def main() -> int:
    """Measure warm and cold starts and print them with their ratios to ``python -c pass``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per command instead of 7")
    runs = 3 if parser.parse_args().quick else 7
    warm = report("warm (bytecode cached)", measure(runs, cold=False))
    cold = report("cold (compiled from source)", measure(runs, cold=True))
    return 0 if warm and cold else 1


if __name__ == "__main__":
    raise SystemExit(main())
