"""The engine never imports the faces or their frameworks (DESIGN.md, STYLE.md #1).

Only imports written in the engine's own modules count: a library the engine uses may bring in
what it likes (nbconvert, for one, loads jupyter_client and with it tornado).
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

FACES = ("analyst_magics.magics", "analyst_magics.display", "analyst_magics.sidebar")
BLOCKED = ("IPython", "ipywidgets", "tornado", "jupyter_server", "server_ext")

SCRIPT = textwrap.dedent(f"""
    import importlib, importlib.abc, pkgutil, sys

    BLOCKED = {BLOCKED!r}

    def importer():
        frame = sys._getframe(2)
        while frame is not None and frame.f_globals.get("__name__", "").startswith(
                ("importlib", "_frozen_importlib")):
            frame = frame.f_back
        return frame.f_globals.get("__name__", "") if frame is not None else ""

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            by = importer()
            if name.split(".")[0] in BLOCKED and by.startswith("analyst_magics"):
                raise ImportError(f"{{by}} imported {{name}}")
            return None

    sys.meta_path.insert(0, Block())
    import analyst_magics
    names = [m.name for m in pkgutil.walk_packages(analyst_magics.__path__, "analyst_magics.")
             if not m.name.startswith({FACES!r}) and not m.name.endswith("__main__")]
    for name in names:
        importlib.import_module(name)
    print(len(names))
""")


def test_engine_imports_no_face() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) >= 5


def test_import_is_light() -> None:
    code = ("import sys, analyst_magics; "
            "print(','.join(m for m in ('sklearn', 'plotly', 'scipy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


# ----------------------------------------------------------------------------- static import graph

PACKAGE = Path(__file__).resolve().parents[2] / "analyst_magics"
#: (layer, what it must never import): the question engine's layers point one way, from routing
#: to execution to the engines, and the sandbox depends on nothing of the question engine.
LAYERS = (
    ("analyst_magics.nlq.rules", ("analyst_magics.nlq.llm", "analyst_magics.nlq.engine",
                                  "analyst_magics.nlq.execute", "analyst_magics.nlq.sandbox",
                                  "analyst_magics.analysis", "analyst_magics.report")),
    ("analyst_magics.nlq.llm", ("analyst_magics.nlq.engine", "analyst_magics.analysis",
                                "analyst_magics.report")),
    ("analyst_magics.nlq.execute", ("analyst_magics.nlq.engine", "analyst_magics.nlq.llm")),
    ("analyst_magics.nlq.sandbox", ("analyst_magics.nlq.rules", "analyst_magics.nlq.llm",
                                    "analyst_magics.nlq.engine", "analyst_magics.nlq.execute",
                                    "analyst_magics.pipeline", "analyst_magics.report")),
    ("analyst_magics.pipeline", ("analyst_magics.nlq", "analyst_magics.analysis",
                                 "analyst_magics.report", "analyst_magics.backends")),
    ("analyst_magics.backends", ("analyst_magics.nlq", "analyst_magics.analysis",
                                 "analyst_magics.report")),
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, wherever they are written (inside
    functions and ``TYPE_CHECKING`` blocks too: an import deferred to break a cycle is still
    a cycle)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = here[:len(here) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                subs = {f"{module}.{a.name}" for a in node.names} & modules.keys()
                targets.update(subs if len(subs) == len(node.names) else {module, *subs})
        graph[name] = {_owner(t, modules) for t in targets} - {"", name}
    return graph


def _owner(target: str, modules: dict[str, Path]) -> str:
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def test_layers_of_the_question_engine_point_one_way() -> None:
    graph = _imports(_modules())
    wrong = sorted(f"{module} imports {target}" for layer, banned in LAYERS
                   for module, targets in graph.items()
                   if module == layer or module.startswith(layer + ".")
                   for target in targets if target.startswith(banned))
    assert not wrong, wrong


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or through others. The package's own
    ``__init__`` is left out: it is the lazy public facade, importing every part on demand."""
    graph = _imports(_modules())
    graph = {m: t - {"analyst_magics"} for m, t in graph.items() if m != "analyst_magics"}
    cycles = [part for part in _strongly_connected(graph) if len(part) > 1]
    assert not cycles, cycles


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                parts.append(sorted(part))
    return parts
