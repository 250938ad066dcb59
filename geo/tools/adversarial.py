"""``python -m geo bench --adversarial``: CPU seconds per 100 KB of plain news and of each hostile class of
text, side by side, for the parse (read, geoparse, borders) and for the map (the static export).

Hostile classes (issue 17): runs of one first name, hyphen chains, repeated place names, many tiny
paragraphs, long lines, combining marks; (issue 26) news in Markdown headings (each followed by a run of
spaces), emphasis, links, lists and tables, and link-dense HTML. Every pass is linear, so each should cost at most
:data:`TARGET_RATIO` times plain news. A last line measures a 20 MB paste in a fresh ``geo parse``
process (peak memory and CPU), which the per-parse search budget bounds.

Times are CPU seconds of this process (the machine may be shared), measured as in the app: the loaded data
is moved out of the garbage collector's reach first. Figures are reported, never asserted.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from geo.paths import PROJECT_ROOT

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "eval" / "gwn.jsonl"
TARGET_RATIO = 2.0
KB = 1000
PLACE_LINES = (
    "Kyiv", "Lviv", "Odesa", "Kharkiv", "Warsaw", "Berlin", "Madrid", "Rome", "Vienna", "Prague", "Lisbon",
    "Dublin", "Oslo", "Riga", "Vilnius", "Ankara", "Cairo", "Tunis", "Dakar", "Lagos", "Nairobi", "Lima",
    "Quito", "Havana", "Ottawa", "Toronto", "Chicago", "Denver", "Seattle", "Manila", "Hanoi", "Seoul",
)


def news_text(corpus: Path | None = None) -> str:
    """Plain news: the dev-set articles one after another (the sample article when the corpus is missing)."""
    path = corpus or DEFAULT_CORPUS
    if path.exists():
        with open(path, encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle if line.strip()]
        if texts:
            return "\n\n".join(texts)
    from geo.sample import sample_article

    return sample_article().text


def _fill(unit: str, size: int, sep: str = " ") -> str:
    """``unit`` repeated (joined by ``sep``) to about ``size`` characters."""
    return sep.join([unit] * max(1, size // (len(unit) + len(sep))))


def _repeat_to(text: str, size: int) -> str:
    return (text * (size // max(len(text), 1) + 1))[:size]


def _tiny_paragraphs(size: int) -> str:
    """Nineteen one-word paragraphs to every line naming a place, as in a long list pasted from a feed."""
    parts, length = [], 0
    while length < size:
        part = f"Reports from {PLACE_LINES[len(parts) // 20 % len(PLACE_LINES)]}." if len(parts) % 20 == 0 else "ok"
        parts.append(part)
        length += len(part) + 2
    return "\n\n".join(parts)


def _combining(news: str, size: int) -> str:
    """News with three combining marks on every letter (as "zalgo" text): words the gazetteer never knows."""
    marked = "".join(ch + "\u0301\u0316\u0323" if ch.isalpha() else ch for ch in news[: size // 3 + 1])
    return marked[:size]


def hostile_texts(size: int, news: str) -> dict[str, str]:
    """Each class of text at about ``size`` characters, plain news first."""
    return {
        "plain news": _repeat_to(news, size),
        "runs of one first name": _fill("John", size),
        "hyphen chains": _fill("Oliver", size, "-"),
        "repeated place names": _fill("Paris,", size),  # a list of one place ("Paris Paris" reads as a person)
        "many tiny paragraphs": _tiny_paragraphs(size),
        "long lines": _repeat_to(" ".join(news.split()), size),  # one paragraph, one line
        "combining marks": _combining(news, size),
    }


def _news_lines(news: str, size: int, width: int = 80) -> list[str]:
    """News cut into lines of about ``width`` characters (at spaces), about ``size`` characters in all."""
    words, lines, line = news.split(), [], ""
    for word in words * (size // max(len(news), 1) + 2):
        line = f"{line} {word}" if line else word
        if len(line) >= width:
            lines.append(line)
            line = ""
            if sum(map(len, lines)) >= size:
                break
    return lines


def markup_texts(size: int, news: str) -> dict[str, tuple[str, str]]:
    """Issue 26's classes: news in hostile Markdown and HTML markup, about ``size`` characters each, with the
    file name that makes it read as that format."""
    lines = _news_lines(news, size)
    words = " ".join(lines).split()

    def cut(text: str) -> str:
        return text[:size]

    headings = "".join(f"## {line}{' ' * 400}#\n\n" for line in lines)  # a heading, then a long run of spaces
    emphasis = " ".join(f"*{w}* _{w}_ **{w}** *{w}" if i % 2 else f"_{w}" for i, w in enumerate(words))
    links = " ".join(f"[{w}](https://example.org/{i}) [{w}](" for i, w in enumerate(words))
    lists = "".join(f"{'  ' * (i % 8)}- {'1. ' * (i % 5)}{line}\n" for i, line in enumerate(lines))
    table = "| " + " | ".join(["col"] * 6) + " |\n|" + "---|" * 6 + "\n" + "".join(
        "| " + " | ".join(words[i:i + 6]) + " |\n" for i in range(0, len(words), 6))
    dense = "<html><body><article><p>" + " ".join(
        f'<a href="/tag/{i}">{w}</a>' for i, w in enumerate(words)) + "</p></article></body></html>"
    return {
        "Markdown headings": (cut(headings), "a.md"),
        "Markdown emphasis": (cut(emphasis), "a.md"),
        "Markdown links": (cut(links), "a.md"),
        "Markdown lists": (cut(lists), "a.md"),
        "Markdown tables": (cut(table), "a.md"),
        "link-dense HTML": (dense[: max(size, 200)].rsplit("<a", 1)[0] + "</p>", "a.html"),
    }


def measure(text: str, gazetteer: Any, repeat: int = 1, filename: str | None = None) -> dict[str, Any]:
    """CPU seconds for the parse (read + geoparse + borders) and the static export of ``text`` (best of
    ``repeat``), with what was found."""
    from geo.maps.export import export_html
    from geo.parse.article import read_article
    from geo.pipeline import parse_article

    runs = []
    for _ in range(max(1, repeat)):
        t = time.process_time()
        doc = parse_article(read_article(text, filename=filename), gazetteer=gazetteer)
        t_parse = time.process_time()
        page = export_html(doc)
        runs.append((t_parse - t, time.process_time() - t_parse))
    best_parse, best_map = min(r[0] for r in runs), min(r[1] for r in runs)
    return {
        "kb": len(text.encode("utf-8")) / KB,
        "parse_s": best_parse,
        "map_s": best_map,
        "places": len(doc.places),
        "mentions": sum(len(p.mentions) for p in doc.places),
        "passages": len(doc.article.passages),
        "notes": doc.meta.get("notes", []),
        "page_mb": len(page.encode("utf-8")) / 1e6,
    }


_PASTE = """
import json, os, sys, time
from geo.cli import main
sink = open(os.devnull, "w")
real, sys.stdout = sys.stdout, sink
t = time.process_time()
code = main(["parse", sys.argv[1], "--json"])
cpu = time.process_time() - t
sys.stdout = real
with open("/proc/self/status") as status:
    hwm = [line for line in status if line.startswith("VmHWM:")]
print(json.dumps({"code": code, "cpu_s": cpu, "peak_mb": int(hwm[0].split()[1]) / 1024 if hwm else None}))
"""


def measure_large_paste(news: str, megabytes: int = 20) -> dict[str, Any]:
    """``geo parse --json`` of a ``megabytes`` MB news paste in a fresh process: its peak RSS and CPU."""
    from geo.paths import cache_dir
    from geo.tools.bench import _python

    path = cache_dir() / "bench-large-paste.txt"
    path.write_text(_repeat_to(news, megabytes * 1000 * KB), encoding="utf-8")
    try:
        return json.loads(_python(_PASTE, str(path)))
    finally:
        path.unlink(missing_ok=True)


def run_adversarial(*, quick: bool = False, corpus: str | None = None, out: TextIO = sys.stdout,
                    size_kb: int | None = None, large_paste: bool | None = None) -> dict[str, Any]:
    """Measure every class at ``size_kb`` KB (100, or 20 with ``quick``) and print them side by side."""
    from geo.borders import load_border_index
    from geo.maps.basemap import basemap_geojson
    from geo.maps.export import export_html
    from geo.pipeline import parse_article
    from geo.places.gazetteer import load_gazetteer
    from geo.sample import sample_article

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    size = (size_kb or (20 if quick else 100)) * KB
    gaz = load_gazetteer()
    load_border_index()
    basemap_geojson()
    export_html(parse_article(sample_article(), gazetteer=gaz))  # warm: data loaded, code paths run once
    gc.freeze()  # as the app does once its data is loaded (app_components/resources.py: out_of_gc)
    news = news_text(Path(corpus) if corpus else None)
    figures: dict[str, Any] = {"size_kb": size / KB, "classes": {}}
    say(f"adversarial text, about {size / KB:.0f} KB per class: CPU seconds per 100 KB (best of "
        f"{1 if quick else 2}); target: every class within {TARGET_RATIO:g}x plain news")
    say(f"{'class':24} {'parse s':>8} {'x news':>7} {'map s':>8} {'x news':>7} {'places':>7} {'mentions':>9}  notes")
    base: dict[str, float] = {}
    worst = 0.0
    classes = {name: (text, None) for name, text in hostile_texts(size, news).items()}
    for name, (text, filename) in {**classes, **markup_texts(size, news)}.items():
        row = measure(text, gaz, repeat=1 if quick else 2, filename=filename)
        per = {key: row[key] / row["kb"] * 100 for key in ("parse_s", "map_s")}
        if not base:
            base = {key: max(value, 1e-6) for key, value in per.items()}
        ratios = {key: per[key] / base[key] for key in per}
        worst = max(worst, *ratios.values())
        figures["classes"][name] = {**row, **{f"{k}_per_100kb": v for k, v in per.items()},
                                    **{f"{k}_ratio": v for k, v in ratios.items()}}
        note = "; ".join(n.split(":")[0] for n in row["notes"])
        say(f"{name:24} {per['parse_s']:8.3f} {ratios['parse_s']:6.1f}x {per['map_s']:8.3f} "
            f"{ratios['map_s']:6.1f}x {row['places']:7,} {row['mentions']:9,}  {note}")
    figures["worst_ratio"] = worst
    say(f"worst class: {worst:.1f}x plain news ({'within' if worst <= TARGET_RATIO else 'OVER'} the "
        f"{TARGET_RATIO:g}x target)")
    if large_paste if large_paste is not None else not quick:
        paste = measure_large_paste(news)
        figures["large_paste"] = paste
        say(f"20 MB news paste      geo parse --json in a fresh process: {paste['cpu_s']:.1f} CPU s, peak "
            f"{paste['peak_mb']:.0f} MB RSS (places searched in the first part only, as its notes say)")
    return figures

