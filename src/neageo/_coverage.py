"""The admin coverage of the web maps: countries and provinces simplified as one topology, and stored.

Polygons that share edges (countries and provinces) are simplified as one
topology: their boundaries are cut into arcs at every junction and the arcs are
simplified together (Douglas-Peucker in the regional projection, so the
tolerance is in metres and bounds the displacement; GEOS keeps a simplified arc
from crossing another).  The faces are rebuilt from the noded, simplified arcs
and each goes to the original polygon that covers most of it; an island the
arcs cut off keeps its own simplified outline.  Neighbours therefore keep
exactly the same edge: no gaps, no slivers.  Coordinates are then rounded to
:data:`DECIMALS` places.

The maps simplify the two layers once over the union of every map's box (cut at each box's sides,
so clipping to one map's box moves nothing along its sides).  That is the costliest step of
rendering, so the build does it once and stores the result in the GeoPackage (table
``neageo_map_coverage``, :func:`neageo.gpkg.write_map_coverage`): one record per layer with the
rows kept and their simplified geometry (ISO WKB, lzma), the boxes, the tolerance, :data:`FORMAT` and the
:func:`fingerprint` of the input geometries.  :func:`coverage_for` uses a stored record only if it
was made by this algorithm for exactly these geometries, boxes and tolerance, and its content is
intact (its digest); otherwise it simplifies in memory (logged), so a stale, foreign or damaged
GeoPackage costs time, never a wrong map.
"""

from __future__ import annotations

import hashlib
import json
import logging
import lzma
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.errors

from .geodesy import from_regional, to_regional

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["COVERAGE_LAYERS", "DECIMALS", "FORMAT", "TOLERANCE_M", "compute", "coverage_for", "fingerprint",
           "from_record", "round_geoms", "simplify_coverage", "to_records", "union_box"]

#: Douglas-Peucker tolerance, metres: no vertex moves further than this (rounding adds at most 8 m).
TOLERANCE_M = 225.0
#: GEOS's coverage simplifier takes a Visvalingam-Whyatt tolerance (the square root of the smallest
#: triangle area kept), not a distance; this fraction of the tolerance keeps the displacement in bounds.
COVERAGE_FACTOR = 0.3
#: Decimal places kept (1e-4 degree is at most 11 m).
DECIMALS = 4
#: Version of the simplification and of its stored encoding: bump it when either changes, so a
#: GeoPackage stored by another version is simplified again rather than read.
FORMAT = 1
#: The layers simplified together, in this order (a country takes the parts of its provinces).
COVERAGE_LAYERS = ("provinces", "countries")

Box = tuple[float, float, float, float]


def round_geoms(geoms, decimals: int = DECIMALS):
    """Coordinates rounded to ``decimals`` places (each vertex on its own: ``set_precision`` pointwise)."""
    return shapely.set_precision(geoms, 10.0 ** -decimals, mode="pointwise")


def simplify_coverage(groups: dict[str, gpd.GeoDataFrame], *, box=None, tolerance_m: float = TOLERANCE_M,
                      cuts=()):
    """Simplify several polygon layers that share edges as one topology.

    Parameters
    ----------
    groups
        Layer name -> GeoDataFrame of polygons.  Together they may overlap only
        by nesting (provinces inside countries); the overlap is resolved into
        disjoint pieces first.
    box
        (west, south, east, north) to clip to first.
    cuts
        Boxes (west, south, east, north) the result will later be clipped to: every edge crosses
        their sides exactly where the original does, so clipping the simplified coverage to one of
        them moves no crossing along the clip line.

    Returns
    -------
    dict
        Layer name -> GeoDataFrame with simplified, rounded geometry (rows with
        nothing inside the box are dropped).
    """
    names = list(groups)
    frames = {k: (v.clip(box) if box else v.copy()) for k, v in groups.items()}
    frames = {k: v[~v.geometry.is_empty].reset_index(drop=True) for k, v in frames.items()}
    out = _simplify_arcs(names, frames, tolerance_m, cuts)
    if not _faithful(frames, out):
        # the arcs crossed somewhere and a face was lost (layers that do not nest exactly, as when
        # provinces are conflated to other borders than the countries'): simplify each layer as a
        # coverage of its own (GEOS CoverageSimplifier: neighbours in a layer keep one edge)
        log.info("arc simplification lost area in box %s; simplifying the pieces as one coverage", box)
        try:
            out = _coverage_pieces(names, frames, tolerance_m)
        except shapely.errors.GEOSException as exc:
            log.info("coverage simplification failed in box %s: %s", box, exc)
    if not _faithful(frames, out):
        log.info("coverage simplification lost area in box %s; simplifying each layer on its own", box)
        out = {k: _coverage_each(v, tolerance_m) for k, v in frames.items()}
    if not _faithful(frames, out):
        # last resort: rounding alone keeps shared edges identical too
        log.info("per-layer simplification lost area in box %s; using rounded geometry", box)
        out = {k: v.assign(geometry=round_geoms(v.geometry.values)) for k, v in frames.items()}
    return out


def _coverage_pieces(names, frames, tolerance_m):
    """Disjoint pieces (each feature less the layers before it) simplified together by GEOS's
    CoverageSimplifier, then reassembled: neighbours, and a province and its country, keep one edge."""
    pieces, owners = [], []
    for rest, owner in zip(*_pieces(names, frames)):
        rest = _polygonal(shapely.make_valid(shapely.set_precision(rest, 1e-6)))
        if not rest.is_empty and rest.area > 1e-6:  # slivers between layers that do not nest exactly
            pieces.append(rest)
            owners.append(owner)
    projected = to_regional(shapely.segmentize(np.asarray(pieces, dtype=object), 0.05))
    simplified = shapely.coverage_simplify(projected, tolerance_m * COVERAGE_FACTOR)
    simple = [_polygonal(g) for g in shapely.make_valid(round_geoms(from_regional(simplified)))]
    own: dict[str, list[list]] = {name: [[] for _ in range(len(frames[name]))] for name in names}
    for (name, i), g in zip(owners, simple):
        own[name][i].append(g)
    return _reassemble(names, frames, own, grid_size=None)


def _coverage_each(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    projected = to_regional(shapely.segmentize(geoms, 0.05))
    simplified = shapely.coverage_simplify(projected, tolerance_m)
    back = [_polygonal(g) for g in shapely.make_valid(round_geoms(from_regional(simplified)))]
    return frame.assign(geometry=back)


def _polygonal(geom):
    """The polygons of a geometry (make_valid may add stray lines or points), as one (multi)polygon."""
    parts = list(shapely.get_parts(geom))
    while any(p.geom_type in ("MultiPolygon", "GeometryCollection") for p in parts):
        parts = [q for p in parts for q in shapely.get_parts(p)]
    polys = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _faithful(frames: dict, out: dict, rel: float = 0.01, slack_deg2: float = 1e-3) -> bool:
    """Every feature kept, each with its area within ``rel`` of the original (or ``slack_deg2``, ~8 km²)."""
    for name, frame in frames.items():
        if len(out[name]) != len(frame):
            return False
        a = shapely.area(np.asarray(frame.geometry.values, dtype=object))
        b = shapely.area(np.asarray(out[name].geometry.values, dtype=object))
        if (np.abs(a - b) > np.maximum(rel * a, slack_deg2)).any():
            return False
    return True


def _pieces(names, frames):
    """Disjoint pieces: each feature of the first layer, then what is left of each later feature."""
    pieces, owners = [], []
    taken = None
    for name in names:
        for i, geom in enumerate(frames[name].geometry.values):
            rest = geom if taken is None else geom.difference(taken)
            if not rest.is_empty:
                pieces.append(rest)
                owners.append((name, i))
        layer_union = shapely.union_all(frames[name].geometry.values)
        taken = layer_union if taken is None else shapely.union(taken, layer_union)
    return pieces, owners


def _to_web(geoms, tolerance_m):
    """Douglas-Peucker in the regional projection (metres), back to degrees, rounded."""
    # densify first: a long straight edge in degrees (a clip edge) is a curve in the projection
    projected = to_regional(shapely.segmentize(np.asarray(geoms, dtype=object), 0.05))
    # closed lines and rings keep at least a triangle; open arcs keep their junction ends
    return round_geoms(from_regional(shapely.simplify(projected, tolerance_m, preserve_topology=True)))


def _majority(faces, parts) -> np.ndarray:
    """For each face, the part covering most of it (-1 if parts cover less than half of it: sea)."""
    tree = shapely.STRtree(parts)
    fi, pi = tree.query(faces, predicate="intersects")
    area = shapely.area(shapely.intersection(faces[fi], parts[pi], grid_size=None))
    owner = np.full(len(faces), -1, dtype=np.int64)
    best = np.zeros(len(faces))
    total = np.zeros(len(faces))
    np.add.at(total, fi, area)
    for f, p, a in zip(fi, pi, area):
        if a > best[f]:
            best[f], owner[f] = a, p
    owner[total < 0.5 * shapely.area(faces)] = -1
    return owner


def _simplify_arcs(names, frames, tolerance_m, cuts=()):
    pieces, owners = _pieces(names, frames)
    # every polygon of every piece on its own, so an island that vanishes is noticed
    part_list, part_piece = [], []
    for p, g in enumerate(pieces):
        for q in shapely.get_parts(_polygonal(g)):
            part_list.append(q)
            part_piece.append(p)
    parts = np.asarray(part_list, dtype=object)
    # the arcs: boundaries cut at every junction, each simplified once
    lines = shapely.boundary(parts)
    if len(cuts):
        # the sides of the boxes the maps are clipped to, noded with the edges: each crossing becomes
        # an arc end, which simplification keeps (the sides' own faces merge again below)
        lines = np.concatenate([lines, shapely.boundary(shapely.box(*np.asarray(cuts, dtype=float).T))])
    merged = shapely.line_merge(shapely.union_all(lines))
    # simplified together, as one collection: GEOS keeps a simplified arc from crossing any other
    arcs = np.asarray(shapely.get_parts(_to_web([merged], tolerance_m)[0]), dtype=object)
    # simplified arcs may cross where the originals ran closer than the tolerance (river islands,
    # narrow corridors): node them, so every crossing makes its own small face
    noded = shapely.union_all(arcs[~shapely.is_empty(arcs)], grid_size=10.0 ** -DECIMALS)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    # each face goes to the original polygon that covers most of it: a sliver where two arcs crossed
    # goes to the side it really belongs to, and the shared edge is still one line
    owner = _majority(faces, parts)
    # a polygon that got no face (a small island the arcs around it cut off) keeps its own outline,
    # simplified alone; the faces it overlaps give that ground up
    lost = np.setdiff1d(np.arange(len(parts)), owner)
    if len(lost):
        own = _to_web(parts[lost], tolerance_m)
        keep = ~shapely.is_empty(own)
        own, lost = own[keep], lost[keep]
        land = faces[owner >= 0]
        lines = np.concatenate([shapely.boundary(land), shapely.boundary(own)])
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(
            shapely.union_all(lines, grid_size=10.0 ** -DECIMALS))))
        reps = shapely.point_on_surface(faces)
        new_owner = np.full(len(faces), -1, dtype=np.int64)
        f_i, l_i = shapely.STRtree(land).query(reps, predicate="within")
        new_owner[f_i] = owner[owner >= 0][l_i]
        f_i, o_i = shapely.STRtree(own).query(reps, predicate="within")
        new_owner[f_i] = lost[o_i]
        owner = new_owner
    per_piece: dict[int, list] = {}
    for f in np.flatnonzero(owner >= 0):
        per_piece.setdefault(part_piece[owner[f]], []).append(faces[f])
    simplified: dict[str, list[list]] = {name: [[] for _ in range(len(frames[name]))] for name in names}
    for p, (name, i) in enumerate(owners):
        simplified[name][i] += per_piece.get(p, [])
    return _reassemble(names, frames, simplified, grid_size=10.0 ** -DECIMALS)


def _reassemble(names, frames, own: dict[str, list[list]], *, grid_size):
    """Each feature from its simplified parts (``own[name][i]``); a later layer's feature (a country)
    also takes the parts of the earlier features nested inside it (its provinces)."""
    out = {}
    for k, name in enumerate(names):
        geoms = []
        for i, geom in enumerate(frames[name].geometry.values):
            parts = list(own[name][i])
            for earlier in names[:k]:
                for j, g in enumerate(frames[earlier].geometry.values):
                    if shapely.within(shapely.point_on_surface(g), geom):
                        parts += own[earlier][j]
            geoms.append(_polygonal(shapely.union_all(parts, grid_size=grid_size)) if parts else None)
        frame = frames[name].copy()
        frame["geometry"] = geoms
        out[name] = frame[frame.geometry.notna() & ~frame.geometry.is_empty].reset_index(drop=True)
    return out


# ------------------------------------------------------------------------------------ stored coverage

def union_box(boxes: Sequence[Sequence[float]]) -> Box:
    """The smallest box holding every box."""
    b = np.asarray(boxes, dtype=float)
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def _cuts(boxes: Sequence[Sequence[float]]) -> tuple[Box, ...]:
    """The boxes as the maps cut at them: distinct, as floats, sorted."""
    return tuple(sorted({(float(w), float(s), float(e), float(n)) for w, s, e, n in boxes}))


def _wkb(geoms) -> list[bytes]:
    """ISO WKB, 2-D, little-endian: the same bytes for the same coordinates on every machine."""
    return [bytes(b) for b in shapely.to_wkb(np.asarray(geoms, dtype=object), output_dimension=2, byte_order=1,
                                             flavor="iso")]


def fingerprint(geoms: Mapping[str, Any], boxes: Sequence[Sequence[float]], tolerance_m: float = TOLERANCE_M) -> str:
    """SHA-256 of what the coverage is made from: :data:`FORMAT`, the tolerance, the boxes and every
    layer's geometries in order (ISO WKB).  A stored coverage is used only for the same fingerprint."""
    head = json.dumps({"format": FORMAT, "tolerance_m": float(tolerance_m), "boxes": _cuts(boxes),
                       "layers": list(geoms)}, sort_keys=True)
    h = hashlib.sha256(f"neageo-map-coverage:{head}".encode())
    for name, layer in geoms.items():
        blobs = _wkb(layer)
        h.update(f"{name}:{len(blobs)}".encode())
        for blob in blobs:
            h.update(len(blob).to_bytes(8, "little"))
            h.update(blob)
    return h.hexdigest()


def compute(geoms: Mapping[str, Any], boxes: Sequence[Sequence[float]], *,
            tolerance_m: float = TOLERANCE_M) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Simplify the layers (name -> geometries, in :data:`COVERAGE_LAYERS` order) as one coverage over
    every box: name -> (the input rows kept, in output order; their simplified geometry)."""
    frames = {name: gpd.GeoDataFrame({"_row": np.arange(len(g), dtype=np.int64)},
                                     geometry=np.asarray(g, dtype=object), crs=4326) for name, g in geoms.items()}
    cuts = _cuts(boxes)
    out = simplify_coverage(frames, box=union_box(cuts), tolerance_m=tolerance_m, cuts=cuts)
    return {name: (out[name]["_row"].to_numpy(dtype=np.int64),
                   np.asarray(out[name].geometry.values, dtype=object)) for name in geoms}


_BLOBS = ("rows", "sizes", "wkb", "precision")


def _digest(fp: str, scale: float, *parts: bytes) -> str:
    h = hashlib.sha256(f"{fp}:{scale!r}".encode())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _scaled(geoms: np.ndarray) -> tuple[float, np.ndarray]:
    """Coordinates on the 10^-DECIMALS grid (all of them, as simplified) stored as whole numbers of grid
    steps, which compress to half the size; (0, the geometries) if any is off the grid or would not
    come back exactly."""
    scale = 10.0 ** DECIMALS
    coords = shapely.get_coordinates(geoms)
    if len(coords) and (np.round(coords * scale) / scale == coords).all():
        return scale, shapely.transform(geoms, lambda c: np.round(c * scale))
    return 0.0, geoms


def to_records(geoms: Mapping[str, Any], boxes: Sequence[Sequence[float]], *,
               tolerance_m: float = TOLERANCE_M) -> dict[str, dict[str, object]]:
    """The coverage of ``geoms`` over ``boxes``, computed now, as one record per layer for
    :func:`neageo.gpkg.write_map_coverage` (column -> value)."""
    fp = fingerprint(geoms, boxes, tolerance_m)
    records = {}
    for name, (rows, simple) in compute(geoms, boxes, tolerance_m=tolerance_m).items():
        scale, stored = _scaled(simple)
        blobs = _wkb(stored)
        raw = (rows.astype("<i4").tobytes(), np.asarray([len(b) for b in blobs], dtype="<i4").tobytes(),
               b"".join(blobs), shapely.get_precision(simple).astype("<f8").tobytes())
        records[name] = {
            "format": FORMAT, "fingerprint": fp, "features": len(geoms[name]), "kept": len(rows),
            "tolerance_m": float(tolerance_m), "boxes": json.dumps(_cuts(boxes)), "scale": scale,
            **{column: lzma.compress(blob) for column, blob in zip(_BLOBS, raw)},
            "digest": _digest(fp, scale, *raw),
        }
    return records


def from_record(record: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(rows, geometries) of a stored record; ``ValueError`` if it is damaged in any way."""
    try:
        raw = tuple(lzma.decompress(record[c]) for c in _BLOBS)
        scale = float(record["scale"])
    except (lzma.LZMAError, TypeError, ValueError) as exc:
        raise ValueError(f"damaged coverage ({exc})") from None
    if _digest(str(record["fingerprint"]), scale, *raw) != record["digest"]:
        raise ValueError("damaged coverage (its content does not match its digest)")
    rows = np.frombuffer(raw[0], dtype="<i4").astype(np.int64)
    sizes = np.frombuffer(raw[1], dtype="<i4").astype(np.int64)
    precision = np.frombuffer(raw[3], dtype="<f8").astype(float)
    kept, features = int(record["kept"]), int(record["features"])
    if not len(rows) == len(sizes) == len(precision) == kept or sizes.sum() != len(raw[2]) or (sizes <= 0).any():
        raise ValueError("damaged coverage (its arrays do not match)")
    if ((rows < 0) | (rows >= features)).any() or len(np.unique(rows)) != len(rows):
        raise ValueError("damaged coverage (rows out of range or repeated)")
    ends = np.cumsum(sizes)
    blobs = [raw[2][a:b] for a, b in zip(ends - sizes, ends)]
    try:
        geoms = shapely.from_wkb(np.asarray(blobs, dtype=object), on_invalid="raise")
    except shapely.errors.ShapelyError as exc:
        raise ValueError(f"damaged coverage ({exc})") from None
    if not np.isin(shapely.get_type_id(geoms), (3, 6)).all() or shapely.is_empty(geoms).any():
        raise ValueError("damaged coverage (not all polygons)")
    if scale:
        geoms = shapely.transform(geoms, lambda c: c / scale)
    for i in np.flatnonzero(precision > 0):  # the grid the simplification left on a geometry (WKB has none)
        geoms[i] = shapely.set_precision(geoms[i], float(precision[i]), mode="pointwise")
    return rows, geoms


def coverage_for(stored: Mapping[str, Mapping[str, Any] | None], geoms: Mapping[str, Any],
                 boxes: Sequence[Sequence[float]], *, tolerance_m: float = TOLERANCE_M,
                 where: object = "the GeoPackage") -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The coverage of ``geoms`` over ``boxes``: read from ``stored`` (layer -> record, or None) if it
    was made for exactly these inputs by this :data:`FORMAT` and is intact, else computed now."""
    if all(stored.get(name) is None for name in geoms):
        log.info("%s stores no map coverage; simplifying the admin layers in memory", where)
        return compute(geoms, boxes, tolerance_m=tolerance_m)
    fp = fingerprint(geoms, boxes, tolerance_m)
    out = {}
    for name in geoms:
        record = stored.get(name)
        if record is None or record.get("fingerprint") != fp or record.get("format") != FORMAT:
            why = "none" if record is None else "one made for other geometries, boxes, tolerance or algorithm"
            log.info("%s: the stored map coverage of %s is %s; simplifying the admin layers in memory",
                     where, name, why)
            return compute(geoms, boxes, tolerance_m=tolerance_m)
        try:
            out[name] = from_record(record)
        except (ValueError, KeyError) as exc:
            log.warning("%s: the stored map coverage of %s is not usable (%s); simplifying the admin layers "
                        "in memory", where, name, exc)
            return compute(geoms, boxes, tolerance_m=tolerance_m)
    return out
