"""Headless Chromium for the browser tests and the stress command: Debian's package, never a download."""

from __future__ import annotations

import os
from typing import Any

from geo.errors import GeoError

CHROMIUM_PATH = os.environ.get("GEO_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, which this offline machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_browser_message() -> str | None:
    """None when Chromium and Playwright are there; otherwise what to install."""
    if not os.path.exists(CHROMIUM_PATH):
        return (f"no Chromium at {CHROMIUM_PATH}: install Debian's package (`apt-get install chromium`, "
                "which ./scripts/run-tests does) or point GEO_CHROMIUM at a Chromium binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python Playwright is missing: `pip install -r requirements-dev.txt`"
    return None


def launch(playwright: Any) -> Any:
    """Launch headless Chromium through a started Playwright (sync or async API)."""
    message = missing_browser_message()
    if message:
        raise GeoError(message)
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
