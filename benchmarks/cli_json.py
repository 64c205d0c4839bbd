"""Runs one `edgetok ... --json` command for the benchmark scripts and returns its JSON object; a failing
command ends the script with its command line and stderr."""
from __future__ import annotations

import json
import subprocess
import sys


def run_json(cmd: list[str], env: dict | None = None, timeout: float = 3600) -> dict:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{r.stderr}")
    return json.loads(r.stdout)
