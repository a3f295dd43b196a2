"""Nothing heavy at import: registering every tool loads no SQL, graph, plotting, lint or AWS SDK.

Each domain's ``tools.py`` imports its services inside the handlers, so the registry (what the
agent, the router and ``cloudfabric tools`` read) loads with pydantic and Slack's block models.
The check runs in a fresh interpreter, since this one has long imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "sqlmodel", "networkx", "matplotlib", "cfnlint", "boto3", "sklearn", "hcl2")
PROBE = f"""
import json, sys
from tools.registry import load_builtin_tools
registry = load_builtin_tools()
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
print(json.dumps({{"tools": [spec.name for spec in registry.all()], "heavy": loaded}}))
"""


def test_loading_the_registry_imports_nothing_heavy() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert "architecture.propose" in seen["tools"]
    assert "architecture.deploy" in seen["tools"]
    assert not seen["heavy"], f"imported when the tools register: {seen['heavy']}"
