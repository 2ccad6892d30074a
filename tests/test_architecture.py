"""The shape of the code: one direction of imports, written down and held against every module.

The rooms and their arrows are data (``docs/architecture.toml``, drawn on the
documentation's architecture page); ``scripts/architecture.py`` reads every
module's imports with ``ast`` (imports under ``if TYPE_CHECKING:`` excepted,
relative imports resolved).  Also here: modules stay short, one in-force rule,
the tests stay independent of each other, and one version source.
"""

from __future__ import annotations

import ast
import importlib
import sys
import tomllib
from pathlib import Path

import pytest

from helpers.common import REPO

sys.path.insert(0, str(REPO / "scripts"))
import architecture as arch  # scripts/ is not a package: found through sys.path

PACKAGE = REPO / "src" / "neageo"
ROOMS = arch.load_rooms()
IMPORTS = arch.code_imports()
MODULES = arch.modules()

#: Longest module allowed, in lines.
MAX_LINES = 500
#: Modules allowed over MAX_LINES for now, each with the issue that splits it.
LONG_FOR_NOW: dict[str, str] = {}


def _where(imp: arch.Import) -> str:
    path = MODULES[imp.source].relative_to(REPO)
    return f"{path}:{imp.line} imports {imp.target}" + (f" ({', '.join(imp.names)})" if imp.names else "")


def test_every_module_lives_in_one_room_and_every_room_holds_modules():
    homeless = [m for m in MODULES if arch.room_of(m, ROOMS) is None]
    assert not homeless, f"modules in no room of docs/architecture.toml: {homeless}"
    for room in ROOMS:
        for pattern in room.modules:
            probe = arch.Room(room.name, "", "", (pattern,), ())
            assert any(probe.holds(m) for m in MODULES), f"room {room.name!r}: {pattern} matches no module"


def test_the_rooms_arrows_run_one_way_top_down():
    names = [r.name for r in ROOMS]
    assert len(set(names)) == len(names), "room names must be unique"
    for i, room in enumerate(ROOMS):
        for used in room.uses:
            assert used in names, f"room {room.name!r} uses an unknown room {used!r}"
            assert names.index(used) > i, f"room {room.name!r} uses {used!r}, listed above it: list rooms top down"
    arch.floors(ROOMS)  # raises on a circle


def test_every_import_follows_a_declared_arrow():
    allowed = {(r.name, u) for r in ROOMS for u in r.uses}
    wrong = [f"{_where(imp)}: {a} -> {b} is not an arrow of docs/architecture.toml"
             for (a, b), found in arch.room_arrows(ROOMS, IMPORTS).items() if (a, b) not in allowed
             for imp in found]
    assert not wrong, "\n".join(wrong)


def test_every_declared_arrow_is_one_the_code_has():
    used = set(arch.room_arrows(ROOMS, IMPORTS))
    stale = [f"{r.name} -> {u}" for r in ROOMS for u in r.uses if (r.name, u) not in used]
    assert not stale, f"arrows in docs/architecture.toml that no import makes (remove them): {stale}"


def test_nothing_inside_the_package_imports_a_package_face():
    """No module imports ``neageo/__init__`` (the face), and no module of a subpackage its own ``__init__``."""
    wrong = []
    for imp in IMPORTS:
        if imp.target == "neageo" and imp.source != "neageo":
            wrong.append(_where(imp))
        elif MODULES[imp.target].name == "__init__.py" and imp.source.startswith(imp.target + ".") and imp.names:
            wrong.append(_where(imp) + " from its own package's face")
    assert not wrong, "\n".join(wrong)


def test_no_circle_of_imports_between_modules():
    graph: dict[str, set[str]] = {}
    for imp in IMPORTS:
        if imp.source != imp.target:
            graph.setdefault(imp.source, set()).add(imp.target)
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail(f"import circle: {' -> '.join(circle)}")
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_face_loads_every_public_name_lazily_and_nothing_shadows_one():
    import neageo

    for name, module in neageo._LAZY.items():
        assert hasattr(importlib.import_module(module), name), f"{module} does not define {name}"
    for module in MODULES:  # import everything that can be imported without optional extras
        try:
            importlib.import_module(module)
        except ImportError:
            continue
    for name in neageo._LAZY:
        value = getattr(neageo, name)
        assert callable(value) and not isinstance(value, type(neageo)), f"neageo.{name} is shadowed by a module"
    public = set(neageo.__all__)
    clash = sorted(m.split(".")[1] for m in MODULES if m.count(".") == 1 and m.split(".")[1] in public)
    assert not clash, f"modules named like public functions would shadow them once imported: {clash}"


def test_no_module_is_longer_than_500_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    unexplained = {m: n for m, n in long.items() if m not in LONG_FOR_NOW}
    assert not unexplained, f"modules over {MAX_LINES} lines (split them by meaning): {unexplained}"
    done = sorted(set(LONG_FOR_NOW) - set(long))
    assert not done, f"{done} no longer over {MAX_LINES} lines: remove them from LONG_FOR_NOW"


def _functions(tree: ast.AST) -> list[str]:
    return [n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_one_in_force_rule():
    """``in_force`` is defined once, in neageo.dated, and reading, the build, queries and annotation use it."""
    defined = {m: [f for f in _functions(ast.parse(p.read_text(encoding="utf-8")))
                   if f in ("in_force", "_in_force", "_year_where") or "in_force" in f]
               for m, p in MODULES.items()}
    defined = {m: fs for m, fs in defined.items() if fs}
    assert defined == {"neageo.dated": ["in_force"]}, defined
    users = {i.source for i in IMPORTS if i.target == "neageo.dated" and "in_force" in i.names}
    for module in ("neageo.io", "neageo.query", "neageo.builder.pipeline", "neageo.annotation.index",
                   "neageo.publishing.fidelity"):
        assert module in users, f"{module} no longer asks neageo.dated.in_force"


def test_no_test_module_imports_another():
    tests = {p.stem for p in (REPO / "tests").glob("test_*.py")} | {"conftest"}
    wrong = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                head = name.split(".")[0]
                if head in tests or head == "tests":
                    wrong.append(f"{path.relative_to(REPO)}:{node.lineno} imports {name}")
    assert not wrong, "tests share code through tests/helpers, never through each other:\n" + "\n".join(wrong)


def test_one_version_source():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "neageo._version.__version__"}
    where = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, (ast.AnnAssign, ast.AugAssign)) else []
            if any(isinstance(t, ast.Name) and t.id == "__version__" for t in targets):
                where.append(module)
    assert where == ["neageo._version"], f"__version__ is assigned in {where}; only neageo/_version.py may"
    import neageo
    from neageo._version import __version__

    assert neageo.__version__ == __version__


def test_ruff_rule_set_is_explicit_and_its_file_ignores_name_real_files():
    lint = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert lint["select"] and "ALL" not in lint["select"], "name the rule families ruff checks"
    for pattern in lint.get("per-file-ignores", {}):
        assert list(REPO.glob(pattern)), f"ruff per-file-ignores for {pattern}, which matches no file: remove it"


def test_the_architecture_page_draws_the_same_rooms():
    svg = arch.svg(ROOMS)
    for room in ROOMS:
        assert f">{room.title}</text>" in svg.replace("&#x27;", "'")
    assert svg.count('marker-end="url(#head)"') == len(arch.drawn_arrows(ROOMS))
    assert Path(arch.ROOMS_FILE).is_relative_to(REPO / "docs")


#: mypy overrides allowed to switch checks off for a neageo module, and why.  The lead tightens this
#: once the maps land on folium.
MYPY_OPT_OUTS = {("neageo.maps.*",): "the maps are being rewritten on folium (issue 20); the entry goes with it"}
_OFF = ("ignore_errors", "disable_error_code")


def test_mypy_switches_no_checks_off_for_neageo_modules():
    mypy = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert not [k for k in _OFF if k in mypy], "no global opt-out of mypy's errors"
    assert mypy.get("check_untyped_defs") is True, "bodies of functions without annotations are checked too"
    for override in mypy.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        if not any(m.split(".")[0] == "neageo" for m in modules):
            continue
        switched_off = [k for k in _OFF if k in override] + (
            ["check_untyped_defs"] if override.get("check_untyped_defs") is False else [])
        if switched_off:
            assert tuple(modules) in MYPY_OPT_OUTS, f"mypy override {modules} switches off {switched_off}"


def test_no_file_or_line_silences_mypy_without_a_code_and_a_reason():
    wrong = []
    for path in MODULES.values():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            where = f"{path.relative_to(REPO)}:{n}"
            if "# mypy:" in line:
                wrong.append(f"{where}: a file-level mypy directive")
            if "type: ignore" in line:
                rest = line.split("type: ignore", 1)[1]
                if not rest.startswith("["):
                    wrong.append(f"{where}: type: ignore without an error code")
                elif "#" not in rest.split("]", 1)[1]:
                    wrong.append(f"{where}: type: ignore{rest.split(']')[0]}] without a reason comment after it")
    assert not wrong, "\n".join(wrong)


def test_no_tracked_text_file_keeps_merge_conflict_markers():
    """A merge left half-done (``<<<<<<<`` ... ``>>>>>>>``) in a committed file is caught, not published."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    found = []
    for name in listed.stdout.decode().split("\0"):
        path = REPO / name
        if not name or not path.is_file() or path.suffix in {".gpkg", ".png", ".qgz", ".gz", ".woff2"}:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "=======":
                found.append(f"{name}:{number}")
    assert not found, "merge conflict markers: " + ", ".join(found[:20])
