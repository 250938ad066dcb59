"""`python -m geo audit borders` through the command line: its table, and a non-zero exit on a broken rule."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_audit_borders_prints_its_table():
    run = subprocess.run([sys.executable, "-m", "geo", "audit", "borders", "--sample", "40"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    out = run.stdout
    assert "| … with an area from real boundaries |" in out
    assert "| … said to be at sea | 0 |" in out
    assert "| GeoNames cities of 15,000+ | 3" in out  # every city: about 34,000
    rows = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in out.splitlines() if line.startswith("| ")}
    assert rows["first-level regions (GeoNames admin1)"] == "40"
    assert run.returncode == (0 if "stated neighbours [" not in out and "touches the coast" not in out else 1)


def test_audit_needs_a_known_subject():
    run = subprocess.run([sys.executable, "-m", "geo", "audit", "roads"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode != 0
    assert "borders" in run.stderr
