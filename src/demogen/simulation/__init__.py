"""The behaviour model: users, sessions, events and state, as pure functions of
(rules, config, seed, shard).

Names are imported lazily so that submodules (values, devices) can be imported on
their own without pulling in the whole engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Simulation": "demogen.simulation.engine",
    "simulate_shard": "demogen.simulation.engine",
    "SimulationConfig": "demogen.simulation.config",
    "VerticalPreset": "demogen.simulation.presets",
    "load_preset": "demogen.simulation.presets",
    "preset_for_industry": "demogen.simulation.presets",
    "preset_names": "demogen.simulation.presets",
    "generate": "demogen.simulation.run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'demogen.simulation' has no attribute {name!r}")
