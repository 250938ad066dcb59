"""``python -m geo bench --app --quick``: every interaction is measured in the browser and reported
against its target (figures are reported, never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo.tools.app_bench import LABELS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.server]
ROOT = Path(__file__).resolve().parent.parent


def test_bench_app_reports_every_interaction():
    run = subprocess.run([sys.executable, "-m", "geo", "bench", "--app", "--quick"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    for label in LABELS.values():
        row = next((line for line in lines if line.startswith(label)), None)
        assert row is not None, run.stdout
        assert re.search(r"\d+\.\d\d s", row), row  # a measured median, not "-" or "lost"
        assert "lost" not in row
