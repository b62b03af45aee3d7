"""Every module imports on its own, first, in a fresh interpreter state: no import cycle is
hidden by the order in which the application happens to load the packages."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

PROBE = """
import importlib, pkgutil, sys
import bot, storage
names = sorted(
    m.name for package in (bot, storage)
    for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
)
failed = []
for name in names:
    for loaded in [n for n in sys.modules if n.split(".")[0] in ("bot", "storage")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:  # report every module that cannot be imported first
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
print("\\n".join(failed))
print(f"{len(names)} modules")
"""


def test_every_module_can_be_imported_first():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    *failed, summary = done.stdout.strip().split("\n")
    assert failed == [], "\n".join(failed)
    assert int(summary.split()[0]) > 100
