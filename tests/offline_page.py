"""A static export opened in headless Chromium with the network cut, recording what went wrong."""

from __future__ import annotations

from pathlib import Path


class OfflineExport:
    """A page showing an export, with everything that went wrong recorded."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 720, settle_ms: int = 400):
        self.blocked: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.geoMap && document.querySelector('.leaflet-marker-icon')")
        self.page.wait_for_timeout(settle_ms)  # let the cluster animation settle

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def pins_and_clustered(self) -> tuple[int, int]:
        pins = self.page.locator(".geo-pin-icon").count()
        clustered = sum(int(t) for t in self.page.locator(".marker-cluster span").all_inner_texts())
        return pins, clustered

    def close(self):
        self.context.close()
