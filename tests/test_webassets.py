"""Publishing the map's static files for a server: content-hashed names, written once, real files only."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from geo.maps import mapview, webassets


def test_every_linked_asset_is_published_under_a_name_that_hashes_its_content(tmp_path):
    names = webassets.publish(tmp_path)
    assert set(names) == set(mapview.LINKED_ASSETS)
    for name, file_name in names.items():
        data = (tmp_path / file_name).read_bytes()
        assert file_name.startswith(name + "-") and hashlib.sha256(data).hexdigest()[:16] in file_name
    basemap = json.loads((tmp_path / names["basemap"]).read_text(encoding="utf-8"))
    assert basemap["type"] == "FeatureCollection" and len(basemap["features"]) > 150
    assert b"Leaflet" in (tmp_path / names["leaflet"]).read_bytes()


def test_publishing_again_rewrites_nothing_but_repairs_a_torn_or_linked_file(tmp_path):
    names = webassets.publish(tmp_path)
    leaflet, basemap = tmp_path / names["leaflet"], tmp_path / names["basemap"]
    before = leaflet.stat().st_ino
    basemap.write_bytes(b'{"type": "Feat')  # torn
    os.utime(leaflet, (1, 1))
    webassets.publish(tmp_path)
    assert leaflet.stat().st_ino == before and leaflet.stat().st_mtime == 1  # left alone
    assert json.loads(basemap.read_text(encoding="utf-8"))["type"] == "FeatureCollection"

    elsewhere = tmp_path / "elsewhere.js"
    elsewhere.write_bytes(leaflet.read_bytes())
    leaflet.unlink()
    leaflet.symlink_to(elsewhere)
    webassets.publish(tmp_path)
    assert not leaflet.is_symlink() and leaflet.read_bytes() == elsewhere.read_bytes()


def test_an_unwritable_folder_is_an_os_error_for_the_caller_to_handle(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OSError):
        webassets.publish(blocker / "web")
