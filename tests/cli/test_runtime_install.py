"""`make demo` (and `pip install .`) installs only demogen's runtime dependencies: the
commands it runs must work with nothing from the dev extras importable.

The dev extras are installed here, so the check runs the CLI in a subprocess where every
module of a distribution outside the runtime dependency closure fails to import.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]

#: Runs demogen's CLI with the modules named in $DEMOGEN_BLOCKED unimportable.
_RUNNER = """
import os, sys
from importlib.abc import MetaPathFinder

BLOCKED = set(os.environ["DEMOGEN_BLOCKED"].split(","))

class Block(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not a runtime dependency)")
        return None

sys.meta_path.insert(0, Block())
sys.argv = ["demogen", *sys.argv[1:]]
from demogen.cli import main
main()
"""


def _name(text: str) -> str:
    return text.lower().replace("_", "-").replace(".", "-")


def _runtime_distributions() -> set[str]:
    """demogen and what its requirements need, extras followed only where requested."""
    names: set[str] = set()
    visited: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[str, frozenset[str]]] = [("demogen", frozenset())]
    while todo:
        name, extras = todo.pop()
        if (_name(name), extras) in visited:
            continue
        visited.add((_name(name), extras))
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue   # an optional platform dependency that is not installed
        names.add(_name(name))
        for text in dist.requires or []:
            req = Requirement(text)
            wanted = req.marker is None or any(
                req.marker.evaluate({"extra": extra}) for extra in ("", *extras))
            if wanted:
                todo.append((req.name, frozenset(req.extras)))
    return names


def _blocked_modules() -> list[str]:
    runtime = _runtime_distributions()
    blocked = set()
    for module, dists in md.packages_distributions().items():
        if module.startswith("_distutils") or not module.isidentifier():
            continue
        if not any(_name(d) in runtime for d in dists):
            blocked.add(module)
    return sorted(blocked)


def _demogen(*args: str, blocked: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEMOGEN_BLOCKED": ",".join(blocked), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", _RUNNER, *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_demo_needs_only_the_runtime_dependencies(tmp_path: Path) -> None:
    blocked = _blocked_modules()
    for dev_only in ("pytest", "hypothesis", "playwright", "dask", "distributed", "tgasdk"):
        if dev_only in md.packages_distributions():
            assert dev_only in blocked, dev_only
    # the blocker works: a dev-only module cannot be imported
    probe = _demogen("--version", blocked=[*blocked, "demogen"], cwd=tmp_path)
    assert probe.returncode != 0 and "not a runtime dependency" in probe.stderr

    plan = str(REPO / "examples" / "game")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    steps = [
        ["analyze", plan, "-o", "rules.yaml", *cache],
        ["generate", plan, "-o", "out", "--users", "20", "--days", "2", "--start",
         "2026-11-01", *cache],
        ["report", "out", "-o", "report.html", "--json", "kpis.json", *cache],
        ["validate", "out", *cache],
    ]
    for args in steps:
        result = _demogen(*args, blocked=blocked, cwd=tmp_path)
        if result.returncode != 0:
            pytest.fail(f"demogen {' '.join(args)} exited {result.returncode}:\n"
                        f"{result.stderr[-3000:]}")
    assert (tmp_path / "report.html").stat().st_size > 0
