"""Clean failures: every path error is one line naming the path and the reason, with the documented exit code."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import neageo
from neageo import _errors
from neageo._errors import OutputError, QueryError

README = Path(__file__).resolve().parents[1] / "README.md"


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "neageo.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


def _clean_failure(r, code: int) -> list[str]:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == code, (r.returncode, r.stderr[-2000:])
    assert 1 <= len(lines) <= 3 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert lines[0].startswith("neageo: error: ")
    return lines


@pytest.fixture()
def a_file(tmp_path) -> Path:
    f = tmp_path / "a_file"
    f.write_text("not a folder\n")
    return f


#: Unwritable places for an output: under a regular file, and inside /proc (no new entries).
UNWRITABLE = {
    "under-a-file": lambda f: f / "out",
    "in-proc": lambda f: Path("/proc") / f"neageo-test-{f.parent.name}" / "out",
}


def _commands(out: Path, built: Path, table: Path) -> dict[str, list]:
    return {
        "build": ["build", "--out", out],
        "check-paper": ["check-paper", "--out", out],
        "export": ["export", "--format", "csv", "--layers", "places", "--out", out, "--gpkg", built],
        "maps": ["maps", "--out", out, "--gpkg", built],
        "annotate": ["annotate", table, "--out", out / "annotated.csv", "--gpkg", built],
    }


@pytest.mark.parametrize("kind", UNWRITABLE)
@pytest.mark.parametrize("command", ["build", "check-paper", "export", "maps", "annotate"])
def test_unwritable_out_is_one_line_naming_path_and_reason(built, a_file, tmp_path, kind, command):
    if kind == "in-proc" and not Path("/proc/self").exists():
        pytest.skip("no /proc on this system")
    out = UNWRITABLE[kind](a_file)
    table = tmp_path / "points.csv"
    table.write_text("lon,lat\n130.7,42.3\n")
    r = _cli(*_commands(out, built, table)[command])
    lines = _clean_failure(r, OutputError.exit_code)
    shown_path = str(a_file) if kind == "under-a-file" else "/proc"
    assert shown_path in lines[0]
    reason = "is a file, not a folder" if kind == "under-a-file" else "no such file or directory"
    assert reason in lines[0].lower() or "not a directory" in lines[0].lower(), lines[0]
    assert not list(tmp_path.glob("**/*.tmp*"))


def test_maps_out_to_an_existing_file_stays_one_line(built, a_file):
    _clean_failure(_cli("maps", "--out", a_file, "--gpkg", built), 2)


def test_a_read_only_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    """Permission denied, whoever runs the tests (root ignores chmod): the check asks the OS for write access."""
    from neageo import _atomic

    monkeypatch.setattr(_atomic.os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match=re.escape(f"{tmp_path}: cannot write into the folder (permission denied)")):
        _atomic.ensure_folder(tmp_path)


@pytest.mark.slow  # a full build of its own (23-35 s): with the other whole-build tests
def test_build_replaces_its_own_build_and_refuses_anything_else(built, tmp_path):
    target = tmp_path / "own" / "neageo.gpkg"
    target.parent.mkdir()
    shutil.copy(built, target)
    r = _cli("build", "--out", target.parent)
    assert r.returncode == 0, r.stderr
    assert "replacing the previous build" in r.stdout.splitlines()[0]
    foreign = tmp_path / "mine.gpkg"
    foreign.write_bytes(b"my own data, not neageo's")
    lines = _clean_failure(_cli("build", "--out", foreign), OutputError.exit_code)
    assert f"{foreign} exists and is not a neageo GeoPackage; pass --force" in lines[0]
    assert foreign.read_bytes() == b"my own data, not neageo's"


@pytest.mark.parametrize("year", [-5, 0, 1859, 2101, 99999])
def test_years_outside_the_data_are_refused(built, year):
    with pytest.raises(QueryError, match=f"year {year} is outside the years neageo's borders answer for: 1860"):
        neageo.read("borders", year=year, gpkg=built)
    with pytest.raises(QueryError):
        neageo.border_length_km("China", "Russia", year=year, gpkg=built)
    lines = _clean_failure(_cli("border", "China", "Russia", "--year", year, "--gpkg", built), 2)
    assert "1860" in lines[0]


@pytest.mark.parametrize("year", [1860, 2005, datetime.date.today().year, 2100])
def test_years_inside_the_data_are_answered(built, year):
    assert neageo.border_length_km("China", "Russia", year=year, gpkg=built) > 4000


def test_one_layer_name_as_a_string_is_one_layer(built):
    assert set(neageo.find("Hunchun", layers="places", gpkg=built)["layer"]) == {"places"}
    near = neageo.near("places:Hunchun", km=30, layers="customs_gates", gpkg=built)
    assert set(near["layer"]) == {"customs_gates"}
    with pytest.raises(QueryError, match="layers must be layer names"):
        neageo.find("Hunchun", layers=[3], gpkg=built)


def test_long_inputs_are_cut_in_messages(built):
    long = "Q" * 10_000
    for call in (lambda: neageo.find(long, gpkg=built), lambda: neageo.read(long, gpkg=built),
                 lambda: neageo.read("places", where=long, gpkg=built),
                 lambda: neageo.distance_km(long, "Harbin", gpkg=built),
                 lambda: neageo.within(long, "places", gpkg=built)):
        with pytest.raises(neageo.NeageoError) as err:
            call()
        text = str(err.value)
        assert len(text) <= _errors.MESSAGE_CHARS + 100 and "10,000 characters" in text, text[:300]
    r = _cli("find", long, "--gpkg", built)
    assert len(_clean_failure(r, 6)[0]) < 400


def _readme_exit_codes() -> dict[int, str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| code | meaning |"):]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", table[:table.index("\n\n")], flags=re.M)
    return {int(code): meaning for code, meaning in rows}


def test_the_readme_exit_code_table_and_the_code_agree():
    documented = _readme_exit_codes()
    classes = [c for c in vars(_errors).values() if isinstance(c, type) and issubclass(c, _errors.NeageoError)]
    from_code = {c.exit_code for c in classes} | {0, 2, 130}  # success, click's usage errors, interruption
    assert set(documented) == from_code
    for cls, words in [(_errors.SourceError, "source"), (_errors.BuildError, "built"), (_errors.DataError, "GeoPackage"),
                       (_errors.PlaceNotFound, "name"), (_errors.QueryError, "argument"), (_errors.ExportError, "export"),
                       (OutputError, "output")]:
        assert words in documented[cls.exit_code], (cls.__name__, documented[cls.exit_code])


@pytest.mark.parametrize(("args", "code"), [
    (["border", "China", "Russia", "--year", "-5"], 2),
    (["build", "--sources", "/nonexistent-neageo-sources"], 3),
    (["info", "--gpkg", "/nonexistent-neageo.gpkg"], 5),
    (["find", "Atlantis"], 6),
    (["export", "--to", "postgresql://neageo:x@127.0.0.1:1/none"], 7),
    (["check-paper", "--out", "/proc/neageo-test/out"], 8),
])
def test_documented_exit_codes_are_the_ones_returned(args, code):
    _clean_failure(_cli(*args), code)
