"""The wheel, built offline from a clean clone, works installed in a fresh environment with no checkout.

The fresh virtualenv sees the test environment's third-party packages through a
``.pth`` line (so nothing is downloaded) but not this checkout: neageo itself
comes only from the wheel (``pip install --no-deps --no-index``).  Every command
runs from an empty folder under the temporary directory with no NEAGEO_*
variables and no PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
WHEEL_LIMIT_MB = 25


def _git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built with ``python -m build --wheel --no-isolation`` from a clone of this repository's HEAD."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("build", reason="pip install build")
    base = tmp_path_factory.mktemp("wheel")
    clone = base / "clone"
    _git("clone", "--quiet", "--no-hardlinks", str(REPO), str(clone))
    _git("checkout", "--quiet", _git("rev-parse", "HEAD", cwd=REPO).strip(), cwd=clone)
    out = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(base / "dist"), str(clone)],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    (whl,) = (base / "dist").glob("neageo-*.whl")
    return whl


def test_wheel_holds_the_data_and_is_small(wheel):
    size_mb = wheel.stat().st_size / 1e6
    assert size_mb <= WHEEL_LIMIT_MB, f"wheel is {size_mb:.1f} MB"
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("neageo/data/layers.toml", "neageo/data/geodata/neageo.gpkg", "neageo/data/geodata/neageo.qgz",
                 "neageo/data/geodata/datapackage.json", "neageo/data/geodata/paper_check.md",
                 "neageo/data/geodata/sources/provenance.json", "neageo/py.typed"):
        assert name in names, name
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_wheel_metadata_names_every_licence_with_its_text(wheel):
    """Code MIT; data ODbL (OpenStreetMap), CC BY (GeoNames, neageo's names), LGPL (GSHHG), public domain."""
    from email.parser import HeaderParser

    with zipfile.ZipFile(wheel) as z:
        (meta_name,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        meta = HeaderParser().parsestr(z.read(meta_name).decode("utf-8"))
        names = set(z.namelist())
    assert meta["Metadata-Version"] >= "2.4"
    expression = meta["License-Expression"]
    assert expression == "MIT AND ODbL-1.0 AND CC-BY-4.0 AND LGPL-3.0-or-later AND LicenseRef-Public-Domain"
    assert meta["License"] is None  # the expression replaces the legacy field
    files = meta.get_all("License-File")
    assert set(files) == {"LICENSE", "LICENSES/ODbL-1.0.txt", "LICENSES/CC-BY-4.0.txt",
                          "LICENSES/LGPL-3.0-or-later.txt", "LICENSES/LicenseRef-Public-Domain.txt"}
    dist_info = meta_name.rsplit("/", 1)[0]
    for f in files:
        assert f"{dist_info}/licenses/{f}" in names, f
    packaged = zipfile.ZipFile(wheel).read("neageo/data/geodata/neageo.gpkg")
    assert packaged == (REPO / "geodata" / "neageo.gpkg").read_bytes(), "the packaged copy is the committed file"


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed and the test environment's dependencies visible."""
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    py = root / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # third-party packages of the test environment, as a plain path: no .pth inside it is run, so no
    # editable install of a checkout leaks in
    (site / "_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stderr
    return root


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEAGEO_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def _snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for root in roots:
        for dirpath, _, files in os.walk(root):
            for name in files:
                p = Path(dirpath) / name
                st = p.lstat()
                out[str(p)] = (st.st_mtime_ns, st.st_size)
    return out


def test_installed_package_reads_queries_and_answers_from_an_empty_folder(venv, tmp_path):
    py = venv / "bin" / "python"
    code = """
import neageo, pathlib
assert "/site-packages/neageo/" in neageo.__file__, neageo.__file__
facts = neageo.about()
assert facts["chosen_by"] == "the copy packaged with neageo", facts
assert "site-packages" in facts["gpkg"]
print("version", neageo.data_version())
gates = neageo.read("customs_gates")
assert len(gates) == 7 and gates.crs.to_epsg() == 4326
assert neageo.find("Shinuiju").iloc[0]["name_en"] == "Sinuiju"
near = neageo.near("Hunchun", km=50, layers=["places"])
assert len(near) >= 1 and near["distance_km"].is_monotonic_increasing
path = neageo.river_path("Jilin City", "Khabarovsk").iloc[0]
assert path["length_km"] > 1000
print("ok")
"""
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.splitlines()[-1] == "ok"
    cli = venv / "bin" / "neageo"
    info = subprocess.run([str(cli), "info"], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=False)
    assert info.returncode == 0, info.stderr
    assert "the copy packaged with neageo" in info.stdout and "data version" in info.stdout
    found = subprocess.run([str(cli), "find", "신의주", "--format", "json"], cwd=tmp_path, env=_clean_env(),
                           capture_output=True, text=True, check=False)
    assert found.returncode == 0 and '"Sinuiju"' in found.stdout
    # without a checkout, building or rendering needs an output folder: one clear line, no traceback
    for args in (["build"], ["maps"]):
        refused = subprocess.run([str(cli), *args], cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, check=False)
        assert refused.returncode != 0 and "--out DIR" in refused.stderr and "Traceback" not in refused.stderr


def test_build_and_maps_from_the_installed_package_write_only_to_out(venv, tmp_path):
    cli = venv / "bin" / "neageo"
    work = tmp_path / "work"
    work.mkdir()
    watched = (venv, work, REPO / "geodata", REPO / "maps")
    before = _snapshot(*watched)
    built = subprocess.run([str(cli), "build", "--out", "built"], cwd=work, env=_clean_env(),
                           capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr[-3000:]
    maps = subprocess.run([str(cli), "maps", "--out", "html", "--gpkg", "built/neageo.gpkg"], cwd=work,
                          env=_clean_env(), capture_output=True, text=True, check=False)
    assert maps.returncode == 0, maps.stderr[-3000:]
    after = _snapshot(*watched)
    changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
    outside = sorted(p for p in changed if not (p.startswith((str(work / "built"), str(work / "html")))))
    assert not outside, f"written outside --out: {outside[:10]}"
    for name in ("neageo.gpkg", "neageo.qgz", "datapackage.json", "paper_check.md"):
        assert (work / "built" / name).is_file(), name
    assert (work / "html" / "index.html").is_file() and len(list((work / "html").glob("*.html"))) >= 8
    # the rebuilt GeoPackage is the packaged one, byte for byte
    site_gpkg = next(venv.rglob("neageo/data/geodata/neageo.gpkg"))
    assert (work / "built" / "neageo.gpkg").read_bytes() == site_gpkg.read_bytes()
