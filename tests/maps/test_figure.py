"""The print and social figure: `geo map ARTICLE -o map.png|svg` (geo.maps.figure)."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from story_docs import story

from geo.cli import main
from geo.maps import figure
from geo.maps.frame import frame_points, story_frame
from geo.maps.popups import mappable_places

SVG = "{http://www.w3.org/2000/svg}"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_cli_writes_a_real_png_of_the_sample(tmp_path, capsys):
    out = tmp_path / "map.png"
    assert main(["map", "-o", str(out)]) == 0
    width, height = _png_size(out.read_bytes())
    assert (width, height) == figure.DEFAULT_SIZE and width >= 1200
    assert "wrote" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]  # no temporary file left


def test_cli_svg_holds_the_place_names_as_text(tmp_path):
    out = tmp_path / "map.svg"
    assert main(["map", "-o", str(out), "--size", "1200x800", "--dpi", "100"]) == 0
    texts = _svg_texts(out.read_bytes())
    from geo.pipeline import parse_article
    from geo.sample import sample_article

    doc = parse_article(sample_article())
    frame = story_frame(frame_points(mappable_places(doc)))
    places = mappable_places(doc)
    shown = [p.label for i, p in enumerate(places) if str(i) not in frame.far]
    assert shown and all(name in texts for name in shown), (shown, texts)
    far = [places[int(k)].label for k in frame.far]
    assert any("Also mentioned" in t and all(n in t for n in far) for t in texts) or not far
    assert any("Borders: de jure" in t and "Natural Earth" in t for t in texts)  # the legend line
    root = ET.fromstring(out.read_bytes())
    assert root.get("width", "").startswith("864")  # 1200 px at 100 dpi = 12 in = 864 pt


def test_the_figure_frames_a_ukrainian_story_without_washington():
    doc = story()
    texts = _svg_texts(figure.render_figure(doc, "svg"))
    for name in ("Kyiv", "Kharkiv", "Odesa", "Lviv", "Dnipro"):
        assert name in texts
    assert "Washington" not in texts  # no pin: it is off the map ...
    assert any("Also mentioned, outside this map: Washington" in t for t in texts)  # ... and said to be there
    neighbours = {"Poland", "Belarus", "Moldova", "Romania", "Russia"}
    shown = {t.title() for t in texts}
    assert len(neighbours & shown) >= 3, shown  # the basemap names the neighbours


def test_article_text_is_text_not_tex_and_a_long_title_is_cut():
    """A title or name with dollar signs is drawn as written (matplotlib would read "$5 and $10" as TeX)."""
    doc = story(title="Aid of $5 and $10 million for Kyiv_region^2 " + "and more " * 40)
    texts = _svg_texts(figure.render_figure(doc, "svg", (1200, 800), 100))
    title = next(t for t in texts if t.startswith("Aid of"))
    assert title.startswith("Aid of $5 and $10 million for Kyiv_region^2") and title.endswith("…")
    assert len(title) < 200


def test_extent_holds_the_frame_at_the_figure_shape():
    bounds = [[46.0, 24.0], [50.5, 36.3]]
    west, east, south, north = figure.figure_extent(bounds, 1600, 900)
    assert west < 24.0 and east > 36.3
    assert south < figure.mercator_y(46.0) and north > figure.mercator_y(50.5)
    assert abs((east - west) / (north - south) - 1600 / 900) < 1e-9


@pytest.mark.parametrize("name", ["map.gif", "map.pdf", "map.jpeg"])
def test_unknown_extension_is_one_line_and_exit_2(tmp_path, capsys, name):
    assert main(["map", "-o", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and ".png or .svg" in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_output_is_one_line_and_exit_2_with_nothing_written(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["map", "-o", str(blocker / "map.png")]) == 2  # its folder is a file
    assert main(["map", "-o", "/proc/geo-map-test.svg"]) == 2  # a folder nothing can be written to
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error:") for line in err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_bad_size_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["map", "-o", str(tmp_path / "m.png"), "--size", "big"]) == 2
    assert "WIDTHxHEIGHT" in capsys.readouterr().err
    with pytest.raises(Exception, match="dpi"):
        figure.render_figure(story(), "png", dpi=5)
