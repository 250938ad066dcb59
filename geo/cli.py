"""Command line: ``python -m geo parse | map | corpus | eval | bench | stress | store | audit``.

Errors print one line on stderr and exit non-zero (2 for bad input or data, 1 for a bug);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geo.errors import EXIT_SKIPPED, GeoError, InputError
from geo.parse.model import Document

EXIT_USER_ERROR = 2
EXIT_BUG = 1
CACHE_DIR_HELP = (
    f"{'GEO_CACHE_DIR':<26}Folder for the derived data (gazetteer index, border layer, basemap), the stored\n"
    f"{'':<26}articles and corrections, and the geocoder cache. (default: the project's cache/)"
)


def _add_online_flags(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("online geocoding (off by default)")
    g.add_argument("--online", action="store_true",
                   help="ask an online geocoder for names the gazetteer lacks (env GEO_ONLINE=1)")
    g.add_argument("--geocoder", help="geopy geocoder name: nominatim, photon, arcgis, geonames… (GEO_GEOCODER)")
    g.add_argument("--geocoder-options",
                   help='JSON object for the geocoder, e.g. \'{"domain": "127.0.0.1:8080", "scheme": "http"}\'')
    g.add_argument("--user-agent", help="your app name and contact; required by the public Nominatim (GEO_USER_AGENT)")


def _worker_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (a whole number, 1 or more)")
    return count


def build_parser() -> argparse.ArgumentParser:
    from geo.settings import describe_settings

    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Find the places a news article mentions, geocode them, tag their border context, map them.",
        epilog="Settings (environment variables):\n" + describe_settings() + "\n" + CACHE_DIR_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="geoparse an article (a table, --json Document, or --jsonl batch)")
    p.add_argument("article", nargs="?", help="file (.txt, .md, .html), - for stdin, or an http(s) URL (fetched under the "
                        "GEO_ALLOW_PRIVATE_URLS / GEO_FETCH_* settings); default: the built-in sample")
    p.add_argument("--json", action="store_true", help="print the Document JSON (see README)")
    p.add_argument("--jsonl", metavar="IN.jsonl", help="batch mode: one {id, text} per line (EVAL.md format)")
    p.add_argument("-o", "--output", metavar="OUT", help="with --jsonl: write here instead of stdout")
    p.add_argument("--adjectives", action="store_true", help="with --jsonl: also list adjectival mentions")
    p.add_argument("--documents", action="store_true",
                   help="with --jsonl: one whole Document JSON a line (border context included, as --json gives it)")
    p.add_argument("--workers", type=_worker_count, default=None, metavar="N",
                   help="with --jsonl: worker processes (default: every core; 1 = this process only)")
    p.add_argument("--quiet", action="store_true", help="with --jsonl: no progress bar on the terminal")
    p.add_argument("--no-borders", action="store_true", help="skip border tagging")
    _add_language_option(p)
    _add_online_flags(p)

    m = sub.add_parser("map", help="export a self-contained HTML map (and optionally GeoJSON), or a PNG/SVG figure")
    m.add_argument("article", nargs="?",
                   help="file, - for stdin, or an http(s) URL; default: the built-in sample")
    m.add_argument("-o", "--output", default="map.html",
                   help="file to write, its format from the extension: .html (default map.html), or .png / .svg "
                        "for a static figure (print, social media)")
    m.add_argument("--size", default="1600x1000", metavar="WxH", help="figure size in pixels (default 1600x1000)")
    m.add_argument("--dpi", type=int, default=150, help="figure resolution: text sizes are in points (default 150)")
    m.add_argument("--geojson", metavar="OUT.geojson", help="also write the places as GeoJSON")
    m.add_argument("--mkdir", action="store_true", help="create the output folder when it does not exist")
    _add_language_option(m)
    _add_online_flags(m)

    e = sub.add_parser("eval", help="score the geoparser on a gold JSONL file")
    e.add_argument("gold", help="gold JSONL ({id, text, toponyms})")
    e.add_argument("--adjectives", choices=("auto", "yes", "no"), default="auto",
                   help="count adjectival mentions (auto: yes when the gold file annotates demonyms)")
    e.add_argument("--predictions", metavar="OUT.jsonl", help="also write the predictions here")
    _add_language_option(e)
    e.add_argument("--json", action="store_true", help="print the scores as JSON")
    e.add_argument("--errors", type=int, default=0, metavar="N",
                   help="also list the N most frequent missed, spurious and far-off (>161 km) toponyms")

    c = sub.add_parser("corpus", help="map a corpus of dated articles (JSONL or a folder) on Dask",
                       description="Geoparse every article of a corpus on Dask and write one map with a time "
                                   "slider; IN is a JSONL file ({id, text, title, url, published} a line) or a "
                                   "folder of .txt/.md/.html files. Default: the built-in sample corpus.")
    c.add_argument("input", nargs="?", metavar="IN", help="JSONL file or folder; default: the sample corpus")
    c.add_argument("-o", "--output", default="corpus.html", help="HTML map to write (default corpus.html)")
    c.add_argument("--geojson", metavar="OUT.geojson", help="also write the places as GeoJSON")
    c.add_argument("--mentions", metavar="OUT.parquet", help="also write one row per mention as Parquet")
    c.add_argument("--scheduler", metavar="ADDR",
                   help="tcp://HOST:PORT of a running Dask scheduler (env GEO_DASK_SCHEDULER); "
                        "default: a local cluster on this machine; 'inline': no Dask, this process only. GEO_DASK_TIMEOUT: seconds to wait "
                        "for the scheduler (10)")
    c.add_argument("--workers", type=int, metavar="N", help="local cluster size (default: one per core)")
    c.add_argument("--title", default=None, help="the map's title (default: the input's name)")

    b = sub.add_parser("bench", help="measure start-up, index build, throughput, memory, borders, export")
    b.add_argument("--texts", metavar="IN.jsonl",
                   help="JSONL texts for the throughput run (default: ../shared/eval/gwn.jsonl, else the sample)")
    b.add_argument("--corpus", action="store_true",
                   help="corpus mode instead: batch, --documents, inline, local cluster, real scheduler, projection, "
                        "memory, corpus map (README: Corpus mode)")
    b.add_argument("--articles", type=int, default=10_000, metavar="N", help="with --corpus: how many articles")
    b.add_argument("--memory-articles", type=int, default=100_000, metavar="N", help="with --corpus: memory run (0: none)")
    b.add_argument("--map-places", type=int, default=10_000, metavar="N", help="with --corpus: map places (0: none)")
    b.add_argument("--app", action="store_true",
                   help="the app instead: warm page open, paste -> map, share link -> map, pin and name clicks, "
                        "timed in headless Chromium against a private server")
    b.add_argument("--quick", action="store_true", help="smaller runs (for tests)")
    b.add_argument("--skip-build", action="store_true", help="do not time a fresh index build")
    b.add_argument("--adversarial", action="store_true",
                   help="only: seconds per 100 KB of plain news and of hostile text (runs of names, ...)")
    b.add_argument("--phases", action="store_true",
                   help="only: CPU ms per article of each geoparse phase (tokenise, scan, rules, resolve) "
                        "over the texts, and the index load")

    au = sub.add_parser("audit", help="check the border facts over the whole domain (`audit borders`)")
    au.add_argument("what", choices=["borders"], help="borders: every region, US county and city of 15,000+")
    au.add_argument("--sample", type=int, default=None, metavar="N", help="only the first N regions and counties")

    s = sub.add_parser("stress", help="load test: concurrent app sessions plus CLI parses (loopback)")
    s.add_argument("--sessions", type=int, default=20, help="concurrent app sessions (default 20)")
    s.add_argument("--browsers", type=int, default=0, metavar="K",
                   help="run K of the sessions in headless Chromium, the rest as Streamlit protocol clients "
                        "(default 0: all protocol clients, so the browsers' own CPU is not measured as the app's)")
    s.add_argument("--cli-parses", type=int, default=4, help="concurrent `parse` processes (default 4)")
    s.add_argument("--timeout", type=float, default=120, help="overall time bound in seconds (default 120)")
    s.add_argument("--stagger", type=float, default=None, metavar="S",
                   help="open every session first, then submit one article every S seconds "
                        "(default: each submits as soon as its page is open)")
    s.add_argument("--json", action="store_true", help="also print the report as JSON")

    st = sub.add_parser("store", help="the document store: export | import plain JSON files, check its health")
    ops = st.add_subparsers(dest="store_command", required=True)
    ops.add_parser("export", help="write every document and its corrections as JSON files").add_argument("folder")
    imp = ops.add_parser("import", help="read JSON files written by export (or an old cache/store folder)")
    imp.add_argument("folder")
    imp.add_argument("--replace", action="store_true", help="overwrite documents and corrections already stored differently")
    ops.add_parser("check", help="health check: the store opens and answers (exit 0), else one error line")
    return parser


def _one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                      file: Any = None, line: str | None = None) -> None:
    """Warnings on the command line are one readable line, not a file:line and a source excerpt."""
    print(f"warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        warnings.showwarning = _one_line_warning
    try:
        return COMMANDS[args.command](args)
    except GeoError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a file the user named cannot be read or written (full disk, no folder, ...)
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc} — check the path and that it can be written", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line unless --debug
        if args.debug:
            raise
        print(f"internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return EXIT_BUG


# ------------------------------------------------------------------------------------------ commands


_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(article: str) -> bool:
    """True when ARTICLE is a URL (``scheme://…``) rather than a file path or ``-``."""
    return bool(_URL_START.match(article))


def _load(path: str | None):
    """The article named on the command line: the sample, stdin (``-``), a file, or a URL.

    A URL is fetched exactly as the app fetches it: the same policy and the same settings
    (GEO_ALLOW_PRIVATE_URLS, GEO_FETCH_TIMEOUT, GEO_FETCH_MAX_BYTES).
    """
    from geo.parse.article import load_article
    from geo.sample import sample_article

    if path is None:
        return sample_article()
    if is_url(path):
        from geo.parse.fetch import fetch_article
        from geo.settings import load_settings

        return fetch_article(path, load_settings())
    try:
        return load_article(path)
    except InputError as exc:
        if path == "-" and "empty" in str(exc):  # the app's wording does not fit a pipe
            raise InputError("no text on stdin: pipe an article in, e.g. `python -m geo parse - < article.txt`") from None
        raise


def _unresolved_geocoder(args: argparse.Namespace):
    """The online fallback for unresolved names, or None when online geocoding is off."""
    from geo.settings import load_settings, parse_options

    settings = load_settings()
    overrides: dict[str, Any] = {}
    if args.online:
        overrides["online"] = True
    if args.geocoder:
        overrides["geocoder"] = args.geocoder.lower()
    if args.geocoder_options:
        overrides["geocoder_options"] = parse_options(args.geocoder_options, "--geocoder-options")
    if args.user_agent:
        overrides["user_agent"] = args.user_agent
    settings = dataclasses.replace(settings, **overrides)
    if not settings.online:
        return None
    from geo.pipeline import online_unresolved_geocoder

    return online_unresolved_geocoder(settings, report=lambda msg: print(f"warning: {msg}", file=sys.stderr))


def _add_language_option(parser: argparse.ArgumentParser) -> None:
    from geo.parse.language import LANGUAGES

    parser.add_argument("--lang", choices=("auto", *LANGUAGES), default=None,
                        help="the article's language (default GEO_LANGUAGE, else auto: detected from the text; "
                             "English unless it clearly is another)")


def _language(args: argparse.Namespace) -> str | None:
    from geo.settings import load_settings

    lang = getattr(args, "lang", None) or load_settings().language
    return None if lang == "auto" else lang


def _parse_document(args: argparse.Namespace, *, borders: bool = True) -> Document:
    from geo.pipeline import parse_article

    return parse_article(_load(args.article), borders=borders, geocode_unresolved=_unresolved_geocoder(args),
                         language=_language(args))


def cmd_parse(args: argparse.Namespace) -> int:
    if args.jsonl:
        return _parse_jsonl(args)
    doc = _parse_document(args, borders=not args.no_borders)
    if args.json:
        json.dump(doc.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(doc))
    return 0


def format_table(doc: Document) -> str:
    """A readable table: place, kind, country, lat/lon, confidence, mentions, border context."""
    from geo.borders import border_sentence

    rows = [("place", "kind", "country", "lat", "lon", "conf", "mentions", "border")]
    for p in sorted(doc.places, key=lambda p: (-len(p.mentions), p.name)):
        rows.append((p.shown_name, p.kind, p.country or "", f"{p.lat:.3f}", f"{p.lon:.3f}", f"{p.confidence:.2f}",
                     str(len(p.mentions)), border_sentence(p) if p.border else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = [doc.article.title or "(untitled)", ""]
    if not doc.places:
        lines.append("No places found. The parser looks for names of countries, first-level regions, cities and "
                     "towns, continents and areas such as the Middle East, and adjectives such as Ukrainian.")
    for r in rows if doc.places else []:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])
    if doc.unresolved:
        lines.append("")
        lines.append("unresolved: " + ", ".join(sorted({m.text for m in doc.unresolved})))
    return "\n".join(lines) + "\n"


def _parse_jsonl(args: argparse.Namespace) -> int:
    """``parse --jsonl``: every line through the batch engine (geo.batch) on ``--workers`` processes."""
    from geo import batch
    from geo.errors import InputError
    from geo.parse.jsonlines import iter_lines

    if args.documents and args.adjectives:
        raise InputError("--adjectives is for the mentions output; a Document (--documents) lists every mention")
    batch.load_shared_indexes(borders=args.documents)  # before the workers fork: they inherit it
    try:
        if args.jsonl == "-":
            source = sys.stdin.buffer
            size = None
        else:
            source = open(args.jsonl, "rb")  # noqa: SIM115
            size = os.fstat(source.fileno()).st_size
    except OSError as exc:
        raise InputError(f"cannot read {args.jsonl}: {exc.strerror}") from None
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    # A bar on the terminal's stderr, unless the JSONL itself goes to that terminal.
    show = not args.quiet and sys.stderr.isatty() and (args.output is not None or not sys.stdout.isatty())
    progress = batch.Progress(sys.stderr, enabled=show, total_chars=size)
    workers = args.workers or batch.default_workers()
    name = "standard input" if args.jsonl == "-" else args.jsonl
    skipped: list[str] = []

    def skip(why: str) -> None:  # one line per skipped input line, the run goes on
        skipped.append(why)
        sys.stderr.write(f"warning: {name}: {why}: skipped\n")

    record_fn = (functools.partial(batch.document_lines, borders=not args.no_borders, language=_language(args))
                 if args.documents else functools.partial(batch.mentions_line, adjectives=args.adjectives,
                                                          language=_language(args)))
    results = batch.jsonl_map(iter_lines(source, batch.MAX_LINE_BYTES), record_fn, workers=workers, progress=progress,
                              on_skip=skip, together=args.documents,
                              chunk_size=batch.DOCUMENT_CHUNK if args.documents else batch.CHUNK_ITEMS)
    try:
        for line in results:
            out.write(line + "\n")
    except ValueError as exc:
        raise InputError(f"{name}: {exc}") from None
    finally:
        results.close()  # stops the workers now, whatever happened
        progress.done()
        if args.jsonl != "-":
            source.close()
        if out is not sys.stdout:
            out.close()
    return EXIT_SKIPPED if skipped else 0


def _output_path(given: str, mkdir: bool) -> Path:
    """The file the user named, checked before any work: not a folder, and its folder exists (or --mkdir)."""
    path = Path(given)
    if path.is_dir():
        raise InputError(f"{given} is a folder: name the file to write, e.g. {path / 'map.html'}")
    folder = path.parent
    if not folder.exists():
        if not mkdir:
            raise InputError(f"the folder of {given} does not exist ({folder}): create it or add --mkdir")
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise InputError(f"{folder} is not a folder, so {given} cannot be written")
    return path


MAP_FORMATS = (".html", ".htm", ".png", ".svg")


def cmd_map(args: argparse.Namespace) -> int:
    _output_path(args.output, args.mkdir)
    suffix = Path(args.output).suffix.lower()
    if suffix and suffix not in MAP_FORMATS:  # no extension: the HTML map, as always
        raise InputError(f"cannot tell what to write from {args.output!r}: name a .html, .png or .svg file")
    figure_size = None
    if suffix in (".png", ".svg"):
        from geo.maps.figure import parse_size

        figure_size = parse_size(args.size)
    if args.geojson:
        _output_path(args.geojson, args.mkdir)
    doc = _parse_document(args)
    if figure_size is not None:  # the figure needs no folium: not imported
        from geo.maps.figure import write_figure

        path = write_figure(doc, args.output, figure_size, args.dpi)
    else:
        from geo.maps.export import write_export

        path = write_export(doc, args.output)
    print(f"wrote {path} ({len(doc.places)} places)")
    if args.geojson:
        from geo.maps.export import write_geojson

        print(f"wrote {write_geojson(doc, args.geojson)}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from geo.tools.evaluate import evaluate_file

    report = evaluate_file(args.gold, adjectives=args.adjectives, predictions_path=args.predictions,
                           errors=args.errors, language=_language(args))
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(format_scores(report))
    return 0


def format_scores(report: dict[str, Any]) -> str:
    s = report["scores"]
    lines = [
        f"articles {report['articles']}  adjectives {'counted' if report['adjectives'] else 'left out'}",
        f"geotagging  P={s['precision']:.3f}  R={s['recall']:.3f}  F1={s['f1']:.3f}  "
        f"(gold {s['gold']}, predicted {s['predicted']}, matched {s['matched']})",
        f"geocoding   acc@161={s['acc161']:.3f}  median={s['median_km']:.1f} km  mean={s['mean_km']:.1f} km  "
        f"AUC={s['auc']:.3f}  (n={s['n']})",
    ]
    for lang, part in report.get("by_language", {}).items():
        ls = part["scores"]
        lines.append(f"  {lang}  articles {part['articles']}  P={ls['precision']:.3f}  R={ls['recall']:.3f}  "
                     f"F1={ls['f1']:.3f}  acc@161={ls['acc161']:.3f}  (gold {ls['gold']}, n={ls['n']})")
    errors = report.get("errors")
    if errors:
        def listing(pairs: list) -> str:
            return ", ".join(f"{name} {count}" for name, count in pairs)

        lines += [
            f"missed     {errors['missed']}: {listing(errors['missed_top'])}",
            f"spurious   {errors['spurious']}: {listing(errors['spurious_top'])}",
            f"far-off    {errors['far']} by kind {errors['far_by_kind']}: {listing(errors['far_top'])}",
        ]
    lines.append(f"F1={s['f1']:.2f} acc161={s['acc161']:.2f} AUC={s['auc']:.2f} n={s['n']}")
    return "\n".join(lines)


def cmd_bench(args: argparse.Namespace) -> int:
    from geo.tools.bench import run_bench

    if args.app:
        from geo.tools.app_bench import run_app_bench

        run_app_bench(out=sys.stdout, runs=1 if args.quick else 3)
        return 0
    if args.phases:
        from geo.tools.phases import run_phases

        run_phases(corpus=args.texts, rounds=1 if args.quick else 5, out=sys.stdout)
        return 0
    if args.corpus:
        from geo.tools.bench import run_corpus_bench

        run_corpus_bench(n=args.articles, texts=args.texts, quick=args.quick, memory_n=args.memory_articles,
                         map_places=args.map_places, out=sys.stdout)
        return 0
    run_bench(corpus=args.texts, quick=args.quick, skip_build=args.skip_build, out=sys.stdout,
              adversarial=args.adversarial)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from geo.tools.audit_borders import run_audit
    return run_audit(out=sys.stdout, sample=args.sample)


def cmd_stress(args: argparse.Namespace) -> int:
    from geo.tools.stress import format_report, run_stress

    report = run_stress(args.sessions, args.cli_parses, args.timeout, browsers=args.browsers,
                        stagger_s=args.stagger)
    print(format_report(report))
    if args.json:
        print(json.dumps(report, indent=1))
    return 1 if report["errors"] else 0


def console_main() -> None:
    """The ``geo`` command installed by ``pip install .`` (same as ``python -m geo``)."""
    sys.exit(main())


def cmd_corpus(args: argparse.Namespace) -> int:
    from geo.corpus.command import run_corpus_command

    return run_corpus_command(args)


def cmd_store(args: argparse.Namespace) -> int:
    from pathlib import Path

    from geo.store import admin

    if args.store_command == "check":
        print(admin.check())
    elif args.store_command == "export":
        print(admin.export_to(Path(args.folder)))
    else:
        summary, skipped = admin.import_from(Path(args.folder), replace=args.replace)
        print(summary)
        return EXIT_SKIPPED if skipped else 0
    return 0


COMMANDS = {"parse": cmd_parse, "map": cmd_map, "corpus": cmd_corpus, "eval": cmd_eval, "bench": cmd_bench,
            "stress": cmd_stress, "store": cmd_store, "audit": cmd_audit}
