"""MkDocs hooks: pages generated at build time from the GeoPackage, the CLI and the reports.

* ``layers/index.md`` and ``layers/<layer>.md``: from the codebook of the checkout's built
  GeoPackage (:func:`neageo.codebook.datapackage`), i.e. from the same metadata that fills
  ``gpkg_data_columns`` (``src/neageo/data/layers.toml``);
* ``reference/cli.md``: the help of every ``neageo`` command, from the click group;
* ``reports/*.md``: the generated reports in ``geodata/`` (paper check, and any fidelity report);
* ``gallery.md`` plus the map HTML files under ``maps/``;
* ``architecture.md``: the rooms of the code and the arrows between them, drawn from
  ``docs/architecture.toml`` (the file ``tests/test_architecture.py`` holds every import against).

Nothing here touches the network; everything is read from the checkout.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
GEODATA = ROOT / "geodata"
MAPS = ROOT / "maps"
_pages: dict[str, str] = {}
_reports: list[tuple[str, str]] = []

#: Report files in geodata/ shown under "Reports" (title from the file's first heading).
REPORT_GLOB = "*.md"
#: Map name -> title in the gallery, in order; a screenshot docs/screenshots/<name>.png is shown.
GALLERY = {
    "overview": "Overview",
    "trade": "Trade (Tables 1, 3, 5, 6)",
    "customs_gates": "Customs gates",
    "benzene_spill": "Rivers and the 2005 benzene spill",
    "sinuiju_dandong": "Sinuiju–Dandong",
    "tumen": "Tumen River area",
    "population": "Population and migration (Table 7)",
}


def _neageo():
    src = str(ROOT / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    import neageo.codebook

    return neageo


def _cell(text) -> str:
    return html.escape(str(text if text is not None else "")).replace("|", "&#124;").replace("\n", " ")


def _layer_page(res: dict, pkg: dict) -> str:
    lines = [f"# {res['title']}", "", f"`{res['layer']}` — {_cell(res['description'])}", ""]
    geom = res.get("geometry")
    kind = f"{geom['type']} layer, {geom['crs']}" if geom else "attribute table"
    lines += [f"**{res['layerRows']:,} rows**, {kind}. Data version {pkg['version']}.", ""]
    lines += ["```python", "import neageo", "", f'frame = neageo.read("{res["layer"]}")', "```", ""]
    lines += ["## Fields", "", "| field | type | description |", "|---|---|---|"]
    for f in res["schema"]["fields"]:
        lines.append(f"| `{f['name']}` | {f['type']} | {_cell(f['description'])} |")
    lines += ["", "## Sources and data licence", ""]
    if res["sources"]:
        by_key = {s["source"]: s for s in pkg["sources"]}
        for s in res["sources"]:
            full = by_key.get(s["source"], {})
            lines.append(f"- **{_cell(s['source'])}**: {_cell(s['title'])}. {_cell(full.get('attribution', ''))}")
    else:
        lines.append("- Written by neageo's build (no external source).")
    lines += ["", "Licence of this layer's data:", ""]
    for lic in res["licenses"]:
        link = f" ({lic['path']})" if lic.get("path") else ""
        lines.append(f"- {_cell(lic['title'])} — `{lic['name']}`{link}")
    return "\n".join(lines) + "\n"


def _layers_index(pkg: dict) -> str:
    lines = [
        "# Layers", "",
        (f"The GeoPackage (data version {pkg['version']}) holds these tables, all in EPSG:4326. "
        "Each page lists every field with its type and description, the sources and the data licence; "
        "the same content is in `geodata/datapackage.json` (a Frictionless Data Package)."), "",
        "| layer | title | rows | geometry | licence |", "|---|---|---|---|---|",
    ]
    for res in pkg["resources"]:
        geom = res.get("geometry", {}).get("type", "table")
        lic = ", ".join(sorted({lic["name"] for lic in res["licenses"]}))
        lines.append(f"| [`{res['layer']}`]({res['layer']}.md) | {_cell(res['title'])} | {res['layerRows']:,} | {geom} | {lic} |")
    return "\n".join(lines) + "\n"


def _cli_page() -> str:
    import click

    from neageo.cli import app

    lines = ["# Command line", "",
             ("`neageo` is one command with subcommands; `neageo COMMAND --help` prints the same text. "
             "User errors print one line, `neageo: error: …`, and exit non-zero (see the README's table of exit codes)."), ""]
    ctx = click.Context(app, info_name="neageo")
    lines += ["```text", app.get_help(ctx), "```", ""]
    for name in sorted(app.commands):
        cmd = app.commands[name]
        sub = click.Context(cmd, info_name=f"neageo {name}", parent=ctx)
        lines += [f"## neageo {name}", "", "```text", cmd.get_help(sub), "```", ""]
    return "\n".join(lines)


def _gallery() -> str:
    lines = ["# Gallery", "",
             ("Each map is one self-contained HTML file (Leaflet inlined, no network needed). "
             "Click a picture to open the map."), ""]
    for name, title in GALLERY.items():
        if (MAPS / f"{name}.html").is_file():
            lines += [f"## {title}", "", f"[![{title}](screenshots/{name}.png)](maps/{name}.html)", ""]
    lines += ["## QGIS", "", "`geodata/neageo.qgz` opens every layer, styled like the web maps.", "",
              "![QGIS project](screenshots/qgis_project.png)", ""]
    return "\n".join(lines)


def _architecture_page() -> str:
    sys.path.insert(0, str(ROOT / "scripts"))
    import architecture as arch

    rooms = arch.load_rooms()
    level = arch.floors(rooms)
    by_name = {r.name: r for r in rooms}
    lines = [
        "# Architecture", "",
        ("The code flows one way. Each box is a *room*: a group of modules under `src/neageo` with one job; an "
         "arrow means the modules of the upper room import those of the lower one, and no import runs the other "
         "way. The drawing leaves out arrows a longer way already implies (every room stands on the ground); the "
         "table lists them all."), "",
        arch.svg(rooms), "",
        ("The rooms and arrows are data, `docs/architecture.toml`, and this page is drawn from it. "
         "`tests/test_architecture.py` reads every module's imports (with `ast`; imports under "
         "`if TYPE_CHECKING:` do not count) and fails on an import along no arrow, on an arrow no import makes, "
         "on a circle of imports, and on any module importing the package face `neageo/__init__` "
         "(which loads each public function from its module on first use). The same tests keep modules under "
         "500 lines and the rule for \"in force in year Y\" in one place (`neageo.dated.in_force`)."), "",
        "| room | modules | what it does | uses |", "|---|---|---|---|",
    ]
    for room in sorted(rooms, key=lambda r: -level[r.name]):
        mods = ", ".join(f"`{m}`" for m in room.modules)
        uses = ", ".join(by_name[u].title for u in room.uses) or "nothing of neageo"
        about = _cell(room.about).replace("_", "\\_")  # neageo/__init__ is not emphasis
        lines.append(f"| **{_cell(room.title)}** | {mods} | {about} | {_cell(uses)} |")
    lines += ["", "## The flow of data", "",
              ("Committed sources are read and checked (`neageo.sources`) and built into layers by the builder, "
               "which writes the GeoPackage and nothing else, atomically. The publish step reads the written "
               "GeoPackage and writes what is made from it beside it: the QGIS project, the codebook "
               "`datapackage.json`, the paper-check and fidelity reports and the maps. Queries, annotation and "
               "exports read the GeoPackage too. `neageo build` runs the builder and then the publish step "
               "(`--no-publish` leaves it out); `neageo publish` runs the publish step on a built GeoPackage."), ""]
    return "\n".join(lines) + "\n"


def on_config(config):
    neageo = _neageo()
    gpkg = GEODATA / "neageo.gpkg"
    pkg = neageo.codebook.datapackage(gpkg)
    _pages.clear()
    _reports.clear()
    _pages["layers/index.md"] = _layers_index(pkg)
    for res in pkg["resources"]:
        _pages[f"layers/{res['layer']}.md"] = _layer_page(res, pkg)
    _pages["reference/cli.md"] = _cli_page()
    _pages["gallery.md"] = _gallery()
    _pages["architecture.md"] = _architecture_page()
    report_lines = ["# Reports", "", "Generated by the build from the committed sources and the GeoPackage.", ""]
    for path in sorted(GEODATA.glob(REPORT_GLOB)):
        text = path.read_text(encoding="utf-8")
        title = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), path.stem)
        uri = f"reports/{path.stem.replace('_', '-')}.md"
        _pages[uri] = text
        _reports.append((title, uri))
        report_lines.append(f"- [{title}]({Path(uri).name}) (`geodata/{path.name}`)")
    _pages["reports/index.md"] = "\n".join(report_lines) + "\n"
    config["nav"] = [
        {"Home": "index.md"},
        {"Getting started": "getting-started.md"},
        {"Python maps": "python-maps.md"},
        {"The data flow": "data-flow.md"},
        {"Architecture": "architecture.md"},
        {"Layers": ["layers/index.md"] + [{res["title"]: f"layers/{res['layer']}.md"} for res in pkg["resources"]]},
        {"Reference": [{"Python API": "reference/api.md"}, {"Command line": "reference/cli.md"}]},
        {"Reports": ["reports/index.md"] + [{t: u} for t, u in _reports]},
        {"Gallery": "gallery.md"},
    ]
    return config


def on_files(files, config):
    for uri, text in _pages.items():
        files.append(File.generated(config, uri, content=text))
    for path in sorted(MAPS.glob("*.html")):
        files.append(File.generated(config, f"maps/{path.name}", abs_src_path=str(path)))
    return files


#: Docstrings use Sphinx roles (:func:`x`, :class:`~x`); the site shows them as plain code.
_ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|exc|obj):(<code>)~?")


def on_page_content(html_text, page, config, files):
    return _ROLE.sub(r"\1", html_text)
