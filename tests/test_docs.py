"""The documentation site builds offline with MkDocs in strict mode (any warning fails the build)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from neageo.metadata import read_written

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    pytest.importorskip("mkdocs", reason="pip install 'neageo[docs]'")
    pytest.importorskip("mkdocstrings", reason="pip install 'neageo[docs]'")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    return out


def test_every_layer_has_a_page_generated_from_the_metadata(site):
    meta = read_written(REPO / "geodata" / "neageo.gpkg")
    for name, info in meta.tables.items():
        page = (site / "layers" / f"{name}.html").read_text(encoding="utf-8")
        assert f"<code>{name}</code>" in page
        for column in info.columns:
            assert f"<code>{column}</code>" in page, (name, column)
    borders = (site / "layers" / "borders.html").read_text(encoding="utf-8")
    from neageo.builder.borders import FOLLOW_M

    assert f"within {FOLLOW_M / 1000:g} km" in borders


def test_api_cli_reports_and_gallery_are_there(site):
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    for anchor in ("io.read", "io.layers", "gazetteer.find", "query.near", "query.river_path",
                   "query.border_length_km", "exports.export", "data_in_use.data_version", "workflow.build", "publishing.publish",
                   "codebook.datapackage"):
        assert f'id="neageo.{anchor}"' in api, anchor
    assert "Read one layer as a GeoDataFrame" in api  # from the docstring
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    for command in ("build", "publish", "maps", "info", "export", "find", "near", "path"):
        assert f"neageo {command}" in cli
    assert (site / "reports" / "paper-check.html").is_file()
    gallery = (site / "gallery.html").read_text(encoding="utf-8")
    assert 'href="maps/overview.html"' in gallery and (site / "maps" / "overview.html").is_file()
    assert 'src="screenshots/overview.png"' in gallery


def test_site_works_offline(site):
    for page in site.rglob("*.html"):
        if page.parent.name == "maps":
            continue  # the maps are tested on their own (OpenStreetMap tiles are an opt-in layer)
        text = page.read_text(encoding="utf-8")
        for host in ("cdnjs.", "googleapis.", "googletagmanager", "unpkg.", "jsdelivr."):
            assert host not in text, (page.name, host)


def test_architecture_page_shows_the_rooms_and_arrows_of_the_data(site):
    import tomllib

    page = (site / "architecture.html").read_text(encoding="utf-8")
    rooms = tomllib.loads((REPO / "docs" / "architecture.toml").read_text(encoding="utf-8"))["room"]
    assert "<svg" in page and page.count('marker-end="url(#head)"') >= len(rooms) - 2
    for room in rooms:
        assert f">{room['title']}</text>" in page, room["name"]  # in the drawing
        for module in room["modules"]:
            assert f"<code>{module}</code>" in page, module  # and in the table
