"""Geometry specifications in the curated tables, resolved against the built layers.

Projects and events do not carry hand-typed coordinates; each names its
geometry in a small language, so the shapes derive from the places, provinces,
borders and river network of the same build:

=========================  =====================================================
``place:ID``               the point of a place in ``places.csv``
``point:LON LAT``          a point
``route:A;B;...``          a great-circle polyline through places or ``LON LAT`` pairs
``multiroute:R1|R2``       alternative routes, each as in ``route:``
``polygon:A;B;C``          a polygon through places or points (great-circle edges)
``circle:CENTRE:AREA``     a geodesic circle of AREA km² around a place or ``LON LAT``
``province:NAME``          a province or federal subject (English name)
``region:rfe|ne_china``    the Russian Far East / China's three northeastern provinces
``border:AAA-BBB``         the border between two countries
``riverpath:A;B``          the downstream path along the river network from A to B
=========================  =====================================================
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry import MultiLineString, Point, Polygon

from .._errors import NeageoError, SourceError
from ..geodesy import from_regional, geodesic_circle, geodesic_line, to_regional
from ..settings import RIVER_SNAP_KM

__all__ = ["GeometryResolver", "RFE_2002", "NE_CHINA"]

#: The Russian Far East as the paper counts it (the Far Eastern Federal District in 2002).
RFE_2002 = (
    "Amur Oblast", "Jewish Autonomous Oblast", "Kamchatka Krai", "Khabarovsk Krai", "Magadan Oblast",
    "Primorsky Krai", "Sakha Republic", "Sakhalin Oblast", "Chukotka Autonomous Okrug",
)
NE_CHINA = ("Liaoning", "Jilin", "Heilongjiang")
#: The kinds of specification (the table above).
KINDS = ("place", "point", "route", "multiroute", "polygon", "circle", "province", "region", "border", "riverpath")

class GeometryResolver:
    """Resolve specifications against places, provinces, borders and the river network."""

    def __init__(self, *, places, provinces, borders=None, network=None):
        self.places = dict(zip(places["place_id"], places.geometry))
        self.provinces = dict(zip(provinces["name_en"], provinces.geometry))
        self.borders = borders
        self.network = network
        self._regions: dict = {}

    def resolve(self, spec: str, where: str):
        """Return the geometry for ``spec``; ``where`` ("file, row N") prefixes errors."""
        kind, _, arg = spec.partition(":")
        if kind not in KINDS:
            raise SourceError(f"{where}: unknown geometry kind {kind!r} in {spec!r}")
        geom = self._guarded(spec, where, getattr(self, f"_{kind}"), arg.strip())
        if geom is None or geom.is_empty:
            raise SourceError(f"{where}: geometry {spec!r} is empty")
        return geom

    def check(self, spec: str, where: str) -> None:
        """Check ``spec`` as far as places and provinces allow, before the heavy build steps.

        Every kind is resolved except ``border:`` and ``riverpath:``, which need
        the borders and the river network: their arguments are checked instead
        (a country pair; two places or points).
        """
        kind, _, arg = spec.partition(":")
        if kind == "border":
            self._guarded(spec, where, self._border_pair, arg.strip())
        elif kind == "riverpath":
            self._guarded(spec, where, self._riverpath_ends, arg.strip())
        elif kind == "region":  # the names only: the union of the provinces takes a while
            self._guarded(spec, where, self._region_names, arg.strip())
        else:
            self.resolve(spec, where)

    @staticmethod
    def _guarded(spec: str, where: str, handler, arg: str):
        try:
            return handler(arg)
        except SourceError:
            raise
        except NeageoError as exc:
            raise SourceError(f"{where}: {spec!r}: {exc}") from None
        except (ValueError, KeyError) as exc:
            raise SourceError(f"{where}: cannot read geometry {spec!r} ({exc})") from None

    # -- the kinds -----------------------------------------------------------------
    def _lonlat(self, token: str) -> tuple[float, float]:
        token = token.strip()
        if token in self.places:
            p = self.places[token]
            return (p.x, p.y)
        parts = token.split()
        if len(parts) != 2:
            raise KeyError(f"{token!r} is neither a place_id nor 'LON LAT'")
        lon, lat = float(parts[0]), float(parts[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon) or math.isnan(lat):
            raise ValueError(f"coordinates {token!r} are out of range")
        return (lon, lat)

    def _place(self, arg):
        if arg not in self.places:
            raise KeyError(f"unknown place_id {arg!r}")
        return self.places[arg]

    def _point(self, arg):
        return Point(self._lonlat(arg))

    def _route(self, arg):
        pts = [self._lonlat(t) for t in arg.split(";")]
        if len(pts) < 2:
            raise ValueError("a route needs at least two points")
        return geodesic_line(pts)

    def _multiroute(self, arg):
        lines = []
        for r in arg.split("|"):
            g = self._route(r)
            lines += list(getattr(g, "geoms", [g]))
        return MultiLineString(lines)

    def _polygon(self, arg):
        pts = [self._lonlat(t) for t in arg.split(";")]
        if len(pts) < 3:
            raise ValueError("a polygon needs at least three points")
        ring = geodesic_line(pts + [pts[0]])
        return shapely.make_valid(Polygon(ring.coords))

    def _circle(self, arg):
        centre, _, area = arg.rpartition(":")
        lon, lat = self._lonlat(centre)
        return geodesic_circle(lon, lat, float(area))

    def _province(self, arg):
        if arg not in self.provinces:
            raise KeyError(f"unknown province {arg!r}")
        return self.provinces[arg]

    def _region_names(self, arg) -> tuple[str, ...]:
        names = {"rfe": RFE_2002, "ne_china": NE_CHINA}.get(arg)
        if names is None:
            raise KeyError(f"unknown region {arg!r} (rfe or ne_china)")
        missing = [n for n in names if n not in self.provinces]
        if missing:
            raise KeyError(f"region {arg!r} needs province(s) {', '.join(missing)}, which are not built")
        return names

    def _region(self, arg):
        if arg not in self._regions:
            self._regions[arg] = shapely.union_all([self.provinces[n] for n in self._region_names(arg)])
        return self._regions[arg]

    @staticmethod
    def _border_pair(arg: str) -> str:
        a, sep, b = arg.partition("-")
        if not (sep and len(a) == 3 and len(b) == 3 and a.isalpha() and b.isalpha() and a.isupper() and b.isupper()):
            raise ValueError(f"a border is two ISO 3166 alpha-3 codes joined by '-', like CHN-RUS, not {arg!r}")
        return arg

    def _border(self, arg):
        sel = self.borders[self.borders["countries"] == arg]
        if sel.empty:
            raise KeyError(f"no border {arg!r}")
        return shapely.line_merge(shapely.union_all(sel.geometry.values))

    def _riverpath_ends(self, arg):
        tokens = arg.split(";")
        if len(tokens) != 2:
            raise ValueError("a riverpath needs a start and an end")
        return [self._lonlat(t) for t in tokens]

    def _riverpath(self, arg):
        a, b = (to_regional(Point(xy)) for xy in self._riverpath_ends(arg))
        return from_regional(self.network.path_between(a, b, max_m=RIVER_SNAP_KM * 1000).line)
