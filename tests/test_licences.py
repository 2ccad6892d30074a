"""The package says what it ships under which licence: an SPDX expression for code and data, with every text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.licenses import canonicalize_license_expression

import neageo
from neageo.metadata import data_licence

REPO = Path(__file__).resolve().parents[1]

#: The data licences of layers.toml (SPDX or Open Definition ids) as they appear in the package's expression;
#: None: nothing to license (facts and figures cited from the paper).
AS_SPDX = {"other-pd": "LicenseRef-Public-Domain", "other-at": None}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _ids(expression: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9.+-]+", expression)) - {"AND", "OR", "WITH"}


def test_license_expression_covers_code_and_every_data_licence():
    expression = _project()["license"]
    assert canonicalize_license_expression(expression) == expression
    ids = _ids(expression)
    assert {"MIT", "ODbL-1.0", "CC-BY-4.0", "LGPL-3.0-or-later"} <= ids
    shipped = set(neageo.read("sources", gpkg=REPO / "geodata" / "neageo.gpkg")["source"])  # every source of the data
    data = {AS_SPDX.get(data_licence(s)["name"], data_licence(s)["name"]) for s in shipped} - {None}
    assert data <= ids, f"data licences missing from the expression: {data - ids}"
    assert ids - data == {"MIT"}, "the expression names only the code's licence and the data's"


def test_every_licence_has_its_text_in_license_files():
    project = _project()
    files = {p.relative_to(REPO).as_posix() for pattern in project["license-files"] for p in REPO.glob(pattern)}
    expected = {"LICENSE"} | {f"LICENSES/{i}.txt" for i in _ids(project["license"]) - {"MIT"}}
    assert files == expected
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    heads = {"ODbL-1.0": "Open Database License", "CC-BY-4.0": "Attribution 4.0 International",
             "LGPL-3.0-or-later": "GNU LESSER GENERAL PUBLIC LICENSE", "LicenseRef-Public-Domain": "Natural Earth"}
    for spdx_id, words in heads.items():
        assert words in (REPO / "LICENSES" / f"{spdx_id}.txt").read_text(encoding="utf-8"), spdx_id
    # the LGPL incorporates the GPL's terms: both texts travel together
    assert "GNU GENERAL PUBLIC LICENSE" in (REPO / "LICENSES" / "LGPL-3.0-or-later.txt").read_text(encoding="utf-8")
