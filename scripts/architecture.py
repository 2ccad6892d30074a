#!/usr/bin/env python3
"""neageo's rooms and the arrows between them: the data, the imports the code makes, and a drawing.

``docs/architecture.toml`` names the rooms (groups of modules under ``src/neageo``)
and, for each, the rooms it uses.  This module reads that file, reads every
module's imports with :mod:`ast` (imports under ``if TYPE_CHECKING:`` are left
out, relative imports are resolved) and draws the rooms and arrows as SVG.
``tests/test_architecture.py`` holds the code against the data; the
documentation's architecture page (``scripts/mkdocs_hooks.py``) shows the data
and the drawing, so the page cannot say anything the code does not do.

    python scripts/architecture.py            # every room's arrows as the code has them
    python scripts/architecture.py --svg F    # write the drawing to F

Only the standard library is used; nothing is imported from neageo.
"""

from __future__ import annotations

import argparse
import ast
import html
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "neageo"
ROOMS_FILE = ROOT / "docs" / "architecture.toml"


@dataclass(frozen=True)
class Room:
    """A group of modules, what it is for, and the rooms its modules may import."""

    name: str
    title: str
    about: str
    modules: tuple[str, ...]
    uses: tuple[str, ...]

    def holds(self, module: str) -> int:
        """How specifically this room holds ``module``: the length of the matching pattern, 0 if it does not."""
        best = 0
        for pattern in self.modules:
            if pattern.endswith(".*"):
                base = pattern[:-2]
                if module == base or module.startswith(base + "."):
                    best = max(best, len(base))
            elif module == pattern:
                best = max(best, len(pattern) + 1)  # an exact name beats a package pattern
        return best


@dataclass(frozen=True)
class Import:
    """One import in a module: the module it reaches, the line, and the names taken from it."""

    source: str
    target: str
    line: int
    names: tuple[str, ...]


def load_rooms(path: Path = ROOMS_FILE) -> list[Room]:
    """The rooms of ``docs/architecture.toml``, top (the command line) to bottom."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Room(r["name"], r["title"], r["about"], tuple(r["modules"]), tuple(r.get("uses", ())))
            for r in doc["room"]]


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every Python module of the package (``neageo`` is its ``__init__``)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def room_of(module: str, rooms: list[Room]) -> Room | None:
    """The room holding ``module`` (the most specific pattern wins), or None."""
    best = max(rooms, key=lambda r: r.holds(module))
    return best if best.holds(module) else None


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes under ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skipped.update(id(n) for n in ast.walk(child))
    return skipped


def imports(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import of a neageo module that ``module`` makes, at any depth (functions too), but not for type checkers.

    ``from X import name`` reaches ``X.name`` when that is a module of ``known``,
    else ``X`` itself (a name defined in ``X``).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: list[Import] = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            out += [Import(module, a.name, node.lineno, ()) for a in node.names if a.name.split(".")[0] == "neageo"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "neageo":
                continue
            plain = []
            for alias in node.names:
                if f"{target}.{alias.name}" in known:
                    out.append(Import(module, f"{target}.{alias.name}", node.lineno, ()))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Import(module, target, node.lineno, tuple(plain)))
    return sorted(out, key=lambda i: (i.line, i.target))


@cache
def code_imports(package: Path = PACKAGE) -> tuple[Import, ...]:
    """Every import between neageo's modules, as the code has them."""
    found = modules(package)
    known = set(found)
    return tuple(i for name, path in found.items() for i in imports(name, path, known))


def room_arrows(rooms: list[Room], found: tuple[Import, ...]) -> dict[tuple[str, str], list[Import]]:
    """(room, room it imports) -> the imports that make the arrow (imports inside one room are left out)."""
    arrows: dict[tuple[str, str], list[Import]] = {}
    for imp in found:
        a, b = room_of(imp.source, rooms), room_of(imp.target, rooms)
        if a is not None and b is not None and a.name != b.name:
            arrows.setdefault((a.name, b.name), []).append(imp)
    return arrows


def floors(rooms: list[Room]) -> dict[str, int]:
    """Room -> floor: 0 for a room that uses none, else one above the highest room it uses."""
    by_name = {r.name: r for r in rooms}
    memo: dict[str, int] = {}

    def floor(name: str, seen: tuple[str, ...] = ()) -> int:
        if name in seen:
            raise ValueError(f"the rooms' arrows run in a circle: {' -> '.join((*seen, name))}")
        if name not in memo:
            uses = by_name[name].uses
            memo[name] = 1 + max((floor(u, (*seen, name)) for u in uses), default=-1)
        return memo[name]

    return {r.name: floor(r.name) for r in rooms}


def drawn_arrows(rooms: list[Room]) -> list[tuple[str, str]]:
    """The arrows worth drawing: each room's uses, without those a longer way already implies."""
    uses = {r.name: set(r.uses) for r in rooms}

    def reaches(a: str, b: str, skip: tuple[str, str]) -> bool:
        todo, seen = [a], set()
        while todo:
            x = todo.pop()
            for y in uses[x]:
                if (x, y) == skip or y in seen:
                    continue
                if y == b:
                    return True
                seen.add(y)
                todo.append(y)
        return False

    return [(r.name, u) for r in rooms for u in r.uses if not reaches(r.name, u, (r.name, u))]


def _label(room: Room) -> str:
    """The modules of a room as a short line: ``builder/``, ``query, gazetteer``."""
    return ", ".join(m.removeprefix("neageo.").removesuffix(".*") + ("/" if m.endswith(".*") else "")
                     for m in room.modules)


def svg(rooms: list[Room]) -> str:
    """The rooms as boxes on floors (a room above every room it uses) and the arrows of :func:`drawn_arrows`.

    Within a floor, rooms are ordered by where the rooms using them stand (fewer crossings); arrows leave
    and reach the boxes at points spread along their edges; an arrow passing floors between is dashed.
    """
    level = floors(rooms)
    top = max(level.values())
    arrows = drawn_arrows(rooms)
    box_h, gap_y, gap_x, pad = 46, 64, 18, 12
    width = {r.name: max(len(r.title) * 8.2, len(_label(r)) * 6.1) + 2 * pad for r in rooms}
    rows: dict[int, list[Room]] = {}
    for r in rooms:
        rows.setdefault(level[r.name], []).append(r)
    centre: dict[str, float] = {}
    for f in sorted(rows, reverse=True):  # top floor first: order each floor under the rooms that use it
        users = {r.name: [centre[a] for a, b in arrows if b == r.name and a in centre] for r in rows[f]}
        rows[f].sort(key=lambda r: (sum(users[r.name]) / len(users[r.name]) if users[r.name] else 1e9))
        x = 0.0
        for r in rows[f]:
            centre[r.name] = x + width[r.name] / 2
            x += width[r.name] + gap_x
    total = max(sum(width[r.name] for r in row) + gap_x * (len(row) - 1) for row in rows.values())
    pos: dict[str, tuple[float, float]] = {}
    for f, row in rows.items():
        x = (total - (sum(width[r.name] for r in row) + gap_x * (len(row) - 1))) / 2 + 10
        for r in row:
            pos[r.name] = (x, 10 + (top - f) * (box_h + gap_y))
            x += width[r.name] + gap_x

    def spread(name: str, others: list[str]) -> dict[str, float]:
        """x of each arrow's end on the box ``name``, in the order of the other ends' x."""
        x0, w = pos[name][0], width[name]
        ordered = sorted(others, key=lambda o: pos[o][0] + width[o] / 2)
        return {o: x0 + w * (i + 1) / (len(ordered) + 1) for i, o in enumerate(ordered)}

    leave = {a: spread(a, [b for x, b in arrows if x == a]) for a in {a for a, _ in arrows}}
    reach = {b: spread(b, [a for a, y in arrows if y == b]) for b in {b for _, b in arrows}}
    height = 20 + (top + 1) * (box_h + gap_y) - gap_y
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total + 20:.0f} {height:.0f}" '
           f'width="{total + 20:.0f}" height="{height:.0f}" font-family="sans-serif" role="img" '
           'aria-label="neageo\'s rooms and the direction of their imports">'),
           ('<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#5a6b7b"/></marker></defs>')]
    for a, b in arrows:
        x1, y1 = leave[a][b], pos[a][1] + box_h
        x2, y2 = reach[b][a], pos[b][1]
        bend = min(gap_y * 0.9, (y2 - y1) / 2)
        skips = level[a] - level[b] > 1  # passes floors between: dashed, and seen through the boxes it passes
        out.append(f'<path d="M {x1:.0f} {y1:.0f} C {x1:.0f} {y1 + bend:.0f}, {x2:.0f} {y2 - bend:.0f}, '
                   f'{x2:.0f} {y2 - 2:.0f}" fill="none" stroke="#5a6b7b" stroke-opacity="0.8" stroke-width="1.3" '
                   + ('stroke-dasharray="5 3" ' if skips else "") + 'marker-end="url(#head)"/>')
    for r in rooms:
        x, y = pos[r.name]
        out.append(f'<g><title>{html.escape(r.about)}</title>'
                   f'<rect x="{x:.0f}" y="{y:.0f}" width="{width[r.name]:.0f}" height="{box_h}" rx="6" '
                   'fill="#eef3f8" fill-opacity="0.88" stroke="#5a6b7b"/>'
                   f'<text x="{x + pad:.0f}" y="{y + 19:.0f}" font-size="13" font-weight="bold" fill="#1d2b38">'
                   f"{html.escape(r.title)}</text>"
                   f'<text x="{x + pad:.0f}" y="{y + 36:.0f}" font-size="10.5" fill="#45525e">'
                   f"{html.escape(_label(r))}</text></g>")
    out.append("</svg>")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--svg", type=Path, help="write the drawing to this file")
    args = parser.parse_args()
    rooms = load_rooms()
    for (a, b), found in sorted(room_arrows(rooms, code_imports()).items()):
        print(f"{a} -> {b}: " + ", ".join(sorted({f'{i.source} -> {i.target}' for i in found}))[:160])
    if args.svg:
        args.svg.write_text(svg(rooms), encoding="utf-8")


if __name__ == "__main__":
    main()
