"""Geoparsing evaluation: batch prediction in the EVAL.md line format and the standard metrics.

Metrics (Gritta et al. 2019): geotagging precision/recall/F1 with one-to-one matching of
overlapping spans (exact matches first, then by overlap length); for matched pairs with
coordinates, accuracy@161 km, median and mean great-circle error, and the AUC of the
log-error curve (lower is better).
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from geo.parse.lang_mentions import geoparse_in
from geo.parse.language import LANGUAGES
from geo.places.gazetteer import Gazetteer

EARTH_RADIUS_KM = 6371.0
MAX_ERROR_KM = 20039.0


def predict_record(record: dict[str, Any], gaz: Gazetteer, *, adjectives: bool = False,
                   language: str | None = None) -> dict[str, Any]:
    """One EVAL.md output line for one input line ({"id", "text", ...}), read in ``language``, else in the
    line's own "language", else in the detected one (the line says which)."""
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError(f"line with id {record.get('id')!r} has no 'text' string")
    given = record.get("language")
    language = language or (given if isinstance(given, str) and given in LANGUAGES else None)
    mentions = []
    language, resolutions = geoparse_in(text, gaz, language)
    for res in resolutions:
        m = res.mention
        c = res.chosen
        if (m.adjectival and not adjectives) or (m.proposed and c is None):
            continue
        mentions.append({
            "start": m.start, "end": m.end, "text": m.text,
            **dict(zip(("lat", "lon"), _pin(c) if c else (None, None), strict=True)),
            "name": c.name if c else None, "country": c.country if c else None,
            "geonameid": c.geonameid if c else None, "kind": c.kind if c else None,
            "adjectival": m.adjectival,
        })
    return {"id": record.get("id"), "language": language, "mentions": mentions}


def _pin(cand: Any) -> tuple[float, float]:
    """Where the Document pins a candidate: a first-level region at the point from its real area (see
    geo/borders/region_points.py), so the scores measure the map's pins; everything else at its own point."""
    if cand.kind != "region" or not str(cand.id).startswith("iso3166:"):
        return cand.lat, cand.lon
    from geo.borders.index import load_border_index
    from geo.borders.region_points import region_area_point

    lat, lon, _, _ = region_area_point(cand.id, cand.country, cand.lat, cand.lon, load_border_index())
    return lat, lon


def predict_lines(lines: Iterable[str], gaz: Gazetteer, *, adjectives: bool = False) -> Iterator[str]:
    """Stream JSONL in, JSONL out (constant memory). Blank lines are skipped."""
    from geo.batch import decode_record

    for number, line in enumerate(lines, start=1):
        record = decode_record(number, line)
        if record is not None:
            yield json.dumps(predict_record(record, gaz, adjectives=adjectives), ensure_ascii=False)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def match_spans(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans: identical spans first, then the largest overlaps."""
    options = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                same = (g["start"], g["end"]) == (p["start"], p["end"])
                options.append((not same, -overlap, gi, pi))
    options.sort()
    used_gold, used_pred, pairs = set(), set(), []
    for _, _, gi, pi in options:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gold[gi], pred[pi]))
    return pairs


def log_error_auc(errors: list[float]) -> float:
    """Area under the sorted ln(error+1)/ln(max error) curve, trapezoid rule, in [0, 1]."""
    ys = [math.log(e + 1) / math.log(MAX_ERROR_KM) for e in sorted(errors)]
    if not ys:
        return float("nan")
    if len(ys) == 1:
        return ys[0]
    return (sum(ys) - (ys[0] + ys[-1]) / 2) / (len(ys) - 1)


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    errors: list[float] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        return sum(e <= 161 for e in self.errors) / len(self.errors) if self.errors else 0.0

    def as_dict(self) -> dict[str, float | int]:
        errors = self.errors
        return {
            "gold": self.gold, "predicted": self.predicted, "matched": self.matched,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "acc161": self.acc161, "n": len(errors),
            "median_km": statistics.median(errors) if errors else float("nan"),
            "mean_km": statistics.fmean(errors) if errors else float("nan"),
            "auc": log_error_auc(errors),
        }


def score(gold: dict[str, dict], pred: dict[str, dict]) -> Scores:
    """Score predictions (by id) against gold records (by id), like the reference scorer."""
    s = Scores()
    for doc_id, g in gold.items():
        toponyms = g["toponyms"]
        mentions = [m for m in pred.get(doc_id, {}).get("mentions", []) if m["end"] > m["start"]]
        s.gold += len(toponyms)
        s.predicted += len(mentions)
        pairs = match_spans(toponyms, mentions)
        s.matched += len(pairs)
        for t, m in pairs:
            if t.get("lat") is not None and m.get("lat") is not None:
                s.errors.append(haversine_km(t["lat"], t["lon"], m["lat"], m["lon"]))
    return s


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages ('null', 'array', ...)."""
    names = {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "a string",
             list: "an array", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_toponym(toponym: Any, text: str) -> str | None:
    """What is wrong with one gold toponym (None when it is usable by the scorer and the error report)."""
    if not isinstance(toponym, dict):
        return f"is {_json_type(toponym)}, expected an object {{\"start\", \"end\", \"text\", \"lat\", \"lon\"}}"
    for key in ("start", "end"):
        if key not in toponym:
            return f'has no "{key}": give integer character offsets with start < end'
        value = toponym[key]
        if not isinstance(value, int) or isinstance(value, bool):
            return f'"{key}" is {_json_type(value)}, expected an integer character offset'
    start, end = toponym["start"], toponym["end"]
    if not 0 <= start < end <= len(text):
        return (f"span {start}-{end} is not within the text: need 0 <= start < end <= {len(text)} "
                "(the text's length in characters)")
    if not isinstance(toponym.get("text", ""), str):
        return f'"text" is {_json_type(toponym["text"])}, expected the toponym\'s string'
    lat, lon = toponym.get("lat"), toponym.get("lon")
    if (lat is None) != (lon is None):
        return 'has only one of "lat" and "lon": give both, or both null'
    if lat is not None:
        if not (_is_number(lat) and _is_number(lon)):
            return f'"lat"/"lon" are {_json_type(lat)}/{_json_type(lon)}, expected numbers (or both null)'
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return f"lat {lat}, lon {lon} is not a coordinate: lat must be in [-90, 90], lon in [-180, 180]"
    return None


def _checked_gold_record(record: Any) -> tuple[dict | None, str | None]:
    """A validated gold record, or what is wrong with it (one phrase saying what to fix)."""
    if not isinstance(record, dict):
        return None, f'is {_json_type(record)}, expected a JSON object {{"id", "text", "toponyms"}}'
    doc_id = record.get("id")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
        return None, f'"id" is {_json_type(doc_id) if "id" in record else "missing"}, expected a string or number'
    text = record.get("text")
    if not isinstance(text, str):
        return None, f'"text" is {_json_type(text) if "text" in record else "missing"}, expected the article string'
    toponyms = record.get("toponyms")
    if not isinstance(toponyms, list):
        what = _json_type(toponyms) if "toponyms" in record else "missing"
        return None, f'"toponyms" is {what}, expected a list of objects (use [] for none)'
    for number, toponym in enumerate(toponyms, start=1):
        problem = _check_toponym(toponym, text)
        if problem:
            return None, f"toponym {number} {problem}"
    toponyms = [t if "text" in t else {**t, "text": text[t["start"]:t["end"]]} for t in toponyms]
    checked = {"id": str(doc_id), "text": text, "toponyms": toponyms}
    if isinstance(record.get("language"), str):
        checked["language"] = record["language"]
    return checked, None


def _load_gold(path: str) -> dict[str, dict]:
    """Gold records by id, each checked for what the scorer needs; InputError names the line and the fix."""
    from geo.errors import InputError

    gold: dict[str, dict] = {}
    try:
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise InputError(f"{path} line {number}: not UTF-8 text; save the file as UTF-8") from None
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path} line {number}: not valid JSON ({exc.msg}); "
                                     "each line must be one JSON object") from None
                checked, problem = _checked_gold_record(record)
                if problem:
                    raise InputError(f"{path} line {number}: {problem}")
                if checked["id"] in gold:
                    raise InputError(f"{path} line {number}: id {checked['id']!r} is used by an earlier line; "
                                     "give every record its own id")
                gold[checked["id"]] = checked
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return gold


def gold_annotates_adjectives(gold: dict[str, dict], gaz: Gazetteer) -> bool:
    """True when some gold toponym is a demonym ('Russian'): such corpora count adjectives."""
    from geo.places.gazetteer import ADJECTIVE
    from geo.places.names import name_key

    for record in gold.values():
        for toponym in record["toponyms"]:
            if any(h.via == ADJECTIVE for h in gaz.hits(name_key(toponym["text"]))):
                return True
    return False


def evaluate_file(gold_path: str, *, adjectives: str = "auto", predictions_path: str | None = None,
                  gaz: Gazetteer | None = None, errors: int = 0, language: str | None = None) -> dict[str, Any]:
    """Run the parser over a gold file and score it; optionally keep the predictions as JSONL. Every article
    is read in ``language``, else in its line's "language", else in the detected one; when they are not all
    English the report also scores each language apart ("by_language")."""
    from geo.paths import atomic_write_text
    from geo.places.gazetteer import load_gazetteer

    gold = _load_gold(gold_path)  # first: a bad file fails before the gazetteer is loaded
    gaz = gaz or load_gazetteer()
    use_adjectives = adjectives == "yes" or (adjectives == "auto" and gold_annotates_adjectives(gold, gaz))
    pred = {doc_id: predict_record(record, gaz, adjectives=use_adjectives, language=language)
            for doc_id, record in gold.items()}
    if predictions_path:
        atomic_write_text(predictions_path, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pred.values()))
    report = {"articles": len(gold), "adjectives": use_adjectives, "scores": score(gold, pred).as_dict()}
    languages = sorted({p["language"] for p in pred.values()})
    if languages != ["en"]:
        report["by_language"] = {
            lang: {"articles": len(ids), "scores": score({i: gold[i] for i in ids}, pred).as_dict()}
            for lang in languages for ids in [[i for i, p in pred.items() if p["language"] == lang]]}
    if errors:
        report["errors"] = error_report(gold, pred, top=errors)
    return report


def error_report(gold: dict[str, dict], pred: dict[str, dict], top: int = 15) -> dict[str, Any]:
    """What went wrong, by class: missed gold toponyms, spurious predictions, far-off (> 161 km) pairs."""
    from collections import Counter

    missed: Counter = Counter()
    spurious: Counter = Counter()
    far: Counter = Counter()
    far_kind: Counter = Counter()
    for doc_id, g in gold.items():
        mentions = [m for m in pred.get(doc_id, {}).get("mentions", []) if m["end"] > m["start"]]
        pairs = match_spans(g["toponyms"], mentions)
        matched_gold = {id(t) for t, _ in pairs}
        matched_pred = {id(m) for _, m in pairs}
        missed.update(t["text"] for t in g["toponyms"] if id(t) not in matched_gold)
        spurious.update(m["text"] for m in mentions if id(m) not in matched_pred)
        for t, m in pairs:
            if t.get("lat") is not None and m.get("lat") is not None:
                if haversine_km(t["lat"], t["lon"], m["lat"], m["lon"]) > 161:
                    far[t["text"]] += 1
                    far_kind[m.get("kind") or "unknown"] += 1
    return {
        "missed": sum(missed.values()), "missed_top": missed.most_common(top),
        "spurious": sum(spurious.values()), "spurious_top": spurious.most_common(top),
        "far": sum(far.values()), "far_by_kind": dict(far_kind), "far_top": far.most_common(top),
    }
