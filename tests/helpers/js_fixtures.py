"""The fixtures the JavaScript tests read (tests/js/fixtures/payloads.json), made by the Python side.

``python tests/helpers/js_fixtures.py`` rewrites the file; ``tests/test_map_plugins.py`` fails when it
is not what the current code makes, so the JavaScript tests always read what the plugins really write.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import shapely

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "js" / "fixtures" / "payloads.json"

NAMES = ["Sinŭiju", "P'yŏngan-bukto", "Straße", "ＡＢＣ１２３", "Благовещенск", "新義州", "두만강", "Suifenhe",
         "{{ 7*7 }}", "<img src=x onerror=alert(1)>"]


def story_plugin() -> Any:
    """A Story of two chapters with hostile strings in every text (the second has no Chinese)."""
    from neageo.maps.plugins import Story

    hostile = {"en": "{{ 7*7 }} <img src=x onerror=alert(1)>", "zh": "新義州 {% raw %}"}
    chapter = {"id": "one", "heading": hostile, "text": {"en": [NAMES[-2], NAMES[-1]], "zh": ["新義州"]},
               "cite": {"en": "Kim, Table 1 </script>"}, "frame": [129.0, 40.0, 131.0, 43.0], "layers": ["demo"],
               "stop": 1, "highlight": ["f0"],
               "chart": {"bars": [[{"en": "2003"}, 2955.0, "2,955"], [{"en": "2004"}, 3823.0, "3,823"]],
                         "unit": {"en": "US$ million"}, "cite": "Kim, Table 1", "caption": {"en": "{{ 7*7 }}"}},
               "picture": {"w": 400, "h": 200, "paths": [["land", "M0 0L10 10L0 10Z"]], "dots": [["lit", 5, 5]]}}
    second = {**chapter, "id": "two", "text": {"en": ["Only English"]}, "stop": None}
    del second["chart"], second["picture"]
    return Story([chapter, second], title={"en": "A {{ 7*7 }} story"}, intro={"en": "<b>intro</b>"})


def build() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "src"))
    import folium
    import numpy as np

    from neageo.gazetteer import normalise
    from neageo.maps.codec import SCALE, Topology, encode_geometry, pack, resolve_topology, unpack
    from neageo.maps.plugins import (
        Arcs,
        Credits,
        Frame,
        HashState,
        Labels,
        Language,
        LayerControl,
        Legend,
        PackedLayer,
        Search,
        TimeControl,
        Title,
    )
    from neageo.maps.web import coarse_geometry, coarse_level

    values = [0, 1, -1, 15, 16, -16, 31, 32, 1_234_567, -1_800_000, 899_999]
    # a line along 45N with 220 m of zigzag (under half a pixel at zoom 6.5) and one 0.5-degree spike
    wiggle = np.array([[round((120 + i * 0.01) * SCALE), round((45 + 0.002 * (-1) ** i + (0.5 if i == 100 else 0)) * SCALE)]
                       for i in range(201)], dtype=np.int64)
    wiggle_text = pack(np.vstack([wiggle[:1], np.diff(wiggle, axis=0)]).ravel())
    detail = coarse_level([wiggle], 6.5, scale=SCALE)
    assert detail is not None
    kept = np.cumsum(unpack(detail["keep"][0])).tolist()
    geoms = [shapely.Point(130.3456, 42.8765), shapely.LineString([(124.3, 40.1), (124.35, 40.12), (124.4, 40.11)]),
             shapely.Polygon([(129.0, 42.0), (130.0, 42.0), (130.0, 43.0), (129.0, 42.0)]),
             shapely.MultiPoint([(1.0, 2.0), (-3.5, -4.25)])]
    topo = Topology()
    a = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    b = shapely.Polygon([(1, 0), (2, 0), (2, 1), (1, 1)])
    shared = [encode_geometry(a, topo), encode_geometry(b, topo)]
    shared = [resolve_topology(g, topo) for g in shared]
    m = folium.Map(tiles=None)
    style = {"color": "#333333", "weight": 1.0, "opacity": 1.0, "fillColor": "#ffcc00", "fillOpacity": 0.8, "radius": 5.0}
    feats = [[encode_geometry(g), {"n": {"en": f"Feature {i}", "zh": f"要素{i}"}, "p": ["Kind", [["Field", "1"]], "", []],
                                   "l": [2, "gate"], "k": f"f{i}", "t": 2004 + i}] for i, g in enumerate(geoms)]
    plugins = [Title("A {{ 7*7 }} title", "A description"), Arcs(topo.arcs or [], id="arcs"),
               PackedLayer("demo", "Demo layer", feats, [style], time=True),
               PackedLayer("shared", "Shared edges", [[g, {"h": "Cell"}] for g in shared], [style], arcs="arcs", base=True),
               Arcs([wiggle_text], id="detailed", detail=detail),
               PackedLayer("thin", "A line with a coarser level", [[coarse_geometry(["L", wiggle_text], 6.5, scale=SCALE),
                                                                    {"h": "Line"}]], [style], detail=6.5),
               Search(), Language("zh"), TimeControl([{"v": 2004 + i, "d": str(2004 + i)} for i in range(4)], start=1),
               Legend([{"label": "Demo", "style": style, "shape": "point", "layer": "demo"}], note="A note"),
               Credits(["Natural Earth", "<b>not bold</b>"]), Labels(), Frame((129.0, 40.0, 131.0, 43.0), box=(120.0, 35.0, 140.0, 50.0)),
               HashState(), LayerControl(), story_plugin()]
    for p in plugins:
        p.add_to(m)
    return {
        "_comment": "written by tests/helpers/js_fixtures.py from the Python side; do not edit",
        "pack": [{"values": values, "text": pack(values)}],
        "geometry": [{"packed": encode_geometry(g), "geojson": shapely.geometry.mapping(g)}
                     for g in geoms],
        "topology": {"arcs": topo.arcs, "polygons": shared,
                     "geojson": [shapely.geometry.mapping(x) for x in (a, b)]},
        "norm": [{"text": n, "key": normalise(n)} for n in NAMES],
        "coarse": {"line": wiggle_text, "keep": detail["keep"][0], "below": detail["below"],
                   "points": (wiggle[kept] / SCALE).tolist(), "all": len(wiggle)},
        "payloads": [{"call": p.call, "payload": p.payload()} for p in plugins],
    }


def text() -> str:
    return json.dumps(json.loads(json.dumps(build())), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    FIXTURES.write_text(text(), encoding="utf-8")
    print(FIXTURES)
