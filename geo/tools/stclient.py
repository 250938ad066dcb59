"""A minimal Streamlit protocol client: one app session over the server's own websocket, no browser.

It speaks what Streamlit's frontend speaks on ``/_stcore/stream``: it sends ``BackMsg.rerun_script``
with widget states and reads ``ForwardMsg`` deltas until ``script_finished``, keeping the latest element
at every delta path. It runs no JavaScript and draws nothing, so a load test with many of these measures
the server (script runs, map building, serialisation, the websocket) rather than the browsers: see
:mod:`geo.tools.stress`. Used only by the stress harness and its tests; loopback servers only.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

MAP_COMPONENTS = ("app_components.webassets.geo_map", "streamlit_folium.st_folium")  # the app's frame, or the fallback
_PLACE_IDS = re.compile(r"placeIds: (\{[^}]*\})")


class ProtocolError(RuntimeError):
    """The server sent something a Streamlit session does not expect (or closed the connection)."""


class AppSession:
    """One session of a Streamlit app at ``url`` (http://host:port), driven message by message."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.ws: ClientConnection | None = None
        self.elements: dict[tuple[int, ...], Any] = {}
        self.exceptions: list[str] = []
        self.bytes_received = 0

    async def open(self, timeout_s: float) -> None:
        """Fetch the page (as a browser would first) and connect the session's websocket."""
        page = self.url + "/"
        await asyncio.wait_for(asyncio.to_thread(_http_get, page), timeout_s)
        stream = "ws" + self.url[len("http"):] + "/_stcore/stream"
        self.ws = await asyncio.wait_for(connect(stream, subprotocols=["streamlit"], max_size=None,
                                                 open_timeout=timeout_s), timeout_s)

    async def rerun(self, timeout_s: float, widgets: dict[str, Any] | None = None, query_string: str = "") -> float:
        """Run the script with ``widgets`` ({widget id: value}; True is a button press) and wait for it to
        finish; returns the seconds from sending to ``script_finished``."""
        if self.ws is None:
            raise ProtocolError("the session is not open")
        message = BackMsg()
        message.rerun_script.query_string = query_string
        for widget_id, value in (widgets or {}).items():
            state = message.rerun_script.widget_states.widgets.add()
            state.id = widget_id
            if value is True:
                state.trigger_value = True
            elif isinstance(value, str):
                state.string_value = value
            elif isinstance(value, dict):  # a custom component's value (its frame sends JSON)
                state.json_value = json.dumps(value)
            else:
                raise TypeError(f"unsupported widget value {value!r}")
        self.elements, self.exceptions = {}, []  # as in the browser: what this run does not send is gone
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        await asyncio.wait_for(self._until_finished(), timeout_s)
        return time.perf_counter() - started

    async def _until_finished(self) -> None:
        assert self.ws is not None
        while True:
            try:
                raw = await self.ws.recv()
            except Exception as exc:
                raise ProtocolError(f"connection lost: {type(exc).__name__}") from exc
            self.bytes_received += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                self.elements[tuple(msg.metadata.delta_path)] = element
                if element.WhichOneof("type") == "exception":
                    self.exceptions.append(element.exception.message[:200])
            elif kind == "script_finished":
                if msg.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script asked for a rerun (st.rerun): the browser waits for that run too
                return

    async def report_map_drawn(self, timeout_s: float) -> bool:
        """Say what the app's map frame says once its map is drawn, when the page asks for it (a new page
        first shows the map and the article only, the rest after that report); True when a rerun followed."""
        for element in self.elements.values():
            if element.WhichOneof("type") == "component_instance" and \
                    element.component_instance.component_name == MAP_COMPONENTS[0]:
                if json.loads(element.component_instance.json_args or "{}").get("report_drawn"):
                    await self.rerun(timeout_s, {element.component_instance.id: {"drawn": True}})
                    return True
        return False

    def widget_id(self, kind: str, label: str) -> str:
        """The id of the ``kind`` widget (e.g. "text_area", "button") labelled ``label`` in the last run."""
        for element in self.elements.values():
            if element.WhichOneof("type") == kind and getattr(element, kind).label == label:
                return getattr(element, kind).id
        raise ProtocolError(f"the page has no {kind} labelled {label!r}")

    def alerts(self, format_name: str = "ERROR") -> list[str]:
        """Texts of the st.error (or another alert format) elements in the last run."""
        out = []
        for element in self.elements.values():
            if element.WhichOneof("type") == "alert":
                if type(element.alert).Format.Name(element.alert.format) == format_name:
                    out.append(element.alert.body)
        return out

    def component_args(self, component_name: str) -> dict[str, Any] | None:
        """The JSON arguments of the first ``component_name`` custom component instance, if shown."""
        for element in self.elements.values():
            if element.WhichOneof("type") == "component_instance" and \
                    element.component_instance.component_name == component_name:
                return json.loads(element.component_instance.json_args or "{}")
        return None

    def map_place_count(self) -> int | None:
        """How many places the shown map registers (None when no map is shown)."""
        args = next((a for a in map(self.component_args, MAP_COMPONENTS) if a is not None), None)
        found = _PLACE_IDS.search((args or {}).get("script", ""))
        return len(json.loads(found.group(1))) if found else None

    @property
    def connected(self) -> bool:
        from websockets.protocol import State

        return self.ws is not None and self.ws.state is State.OPEN

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()
