"""The engine never imports the faces or their frameworks (DESIGN.md, STYLE.md #1).

Only imports written in the engine's own modules count: a library the engine uses may bring in
what it likes (nbconvert, for one, loads jupyter_client and with it tornado).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

FACES = ("analyst_magics.magics", "analyst_magics.display")
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
