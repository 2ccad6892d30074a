"""Building blocks the themed maps share: the vector basemap and the standard layers' popups."""

from __future__ import annotations

from .base import add_layer, add_tiles, popup_data
from .data import MapData

__all__ = ["basemap", "add_borders", "add_rivers", "add_places", "add_gates", "add_projects", "place_popup",
           "gate_popup", "project_popup"]


#: Lakes smaller than this are left off the maps (invisible at their scales).
MIN_LAKE_KM2 = 25.0
#: Lakes are simplified less: topology-preserving simplification of a ring can move
#: it a little more than its tolerance.
LAKE_TOLERANCE_M = 150.0


def basemap(m, data: MapData, box, *, provinces: bool = True, lakes: bool = True, waterways: bool = False):
    """Countries, provinces, lakes (and optionally the river network) from the GeoPackage itself."""
    countries, provs = data.admin(tuple(box))
    add_layer(m, countries, name="Countries", style="countries",
              popup=lambda r: popup_data(r["name_en"], r, [("ISO code", "iso_a3"), ("Area, km²", "area_km2")],
                                         citation="Natural Earth 10m"))
    if provinces:
        add_layer(m, provs, name="Provinces and federal subjects", style="provinces",
                  popup=lambda r: popup_data(r["name_en"], r, [("Country", "iso_a3"), ("Kind", "kind"),
                                                               ("Area, km²", "area_km2"), ("Also called", "aliases")],
                                             citation="Natural Earth 10m admin-1"))
    if lakes:
        lk = data.lines("lakes", tuple(box), LAKE_TOLERANCE_M)
        add_layer(m, lk[lk["area_km2"] >= MIN_LAKE_KM2], name="Lakes", style="lakes", tooltip=False)
    if waterways:
        ways = data.lines("waterways", tuple(box))
        add_layer(m, ways[ways["kind"] != "link"], name="Other rivers (WDBII)", style="waterways", tooltip=False,
                  show=True)
    add_tiles(m)


def add_borders(m, data: MapData, box, *, show=True):
    add_layer(m, data.lines("borders", tuple(box)), name="Borders by segment", style="borders", show=show,
              popup=lambda r: popup_data(f"{r['countries']} border: {r['segment']}", r,
                                         [("Length, km", "length_km"), ("Along the river, km", "along_river_km"),
                                          ("Within 2 km of the river, %", "river_within_2km_pct")], names=False,
                                         citation="Natural Earth 10m; river segments from neageo's traced rivers"))


def add_rivers(m, data: MapData, box, *, show=True):
    add_layer(m, data.lines("rivers", tuple(box)), name="Named rivers", style="rivers", show=show,
              popup=lambda r: popup_data(r["name_en"], r, [("Length, km", "length_km"), ("Course", "note"),
                                                          ("Also called", "aliases")],
                                         citation="Traced on World Data Bank II by neageo"))


def place_popup(r):
    return popup_data(r["name_en"], r, [("Kind", "kind"), ("Province", "province"), ("Population (GeoNames)", "population"),
                                        ("Also written", "aliases"), ("Location", "coord_source")],
                      citation=r.get("citation"))


def gate_popup(r):
    return popup_data(f"Customs gate: {r['name_en']}", r,
                      [("Town", "town"), ("Province", "province"), ("Across the border", "partner_town"),
                       ("Border segment", "border_segment"), ("Town to border, km", "town_to_border_km"),
                       ("Gate to partner town, km", "partner_distance_km"), ("Crossing", "crossing"),
                       ("The paper's figures", "paper_figures")],
                      citation=r.get("citation"))


def project_popup(r):
    return popup_data(r["name_en"], r, [("Local name", "name_local"), ("Type", "project_type"), ("Status", "status"),
                                       ("When", "period_text"), ("Countries", "countries"), ("Actors", "actors"),
                                       ("What", "description"), ("Location", "precision_meaning"),
                                       ("How drawn", "location_note"), ("Length, km", "length_km"),
                                       ("Area, km²", "area_km2")],
                      citation=r.get("citation"), names=False)


def add_places(m, data: MapData, box, *, show=True, where=None):
    pts = data.points("places", box)
    if where is not None:
        pts = pts[where(pts)]
    add_layer(m, pts, name="Places named in the paper", style="places", show=show, popup=place_popup)


def add_gates(m, data: MapData, box, *, show=True):
    add_layer(m, data.points("customs_gates", box), name="Customs gates", style="customs_gates", show=show,
              popup=gate_popup)


def add_projects(m, data: MapData, box, *, show=True, where=None):
    add_layer(m, data.any_geom("projects", box, where), name="Projects and zones", style="projects", show=show,
              popup=project_popup)
