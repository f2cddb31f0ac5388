"""The behaviour model: users, sessions, events and state, as pure functions of
(rules, config, seed, shard).

Names are imported lazily so that submodules (values, devices) can be imported on
their own without pulling in the whole engine.
"""

from __future__ import annotations

from demogen._lazy import lazy_exports

_EXPORTS = {
    "Simulation": "engine",
    "simulate_shard": "engine",
    "SimulationConfig": "config",
    "VerticalPreset": "presets",
    "load_preset": "presets",
    "preset_for_industry": "presets",
    "preset_names": "presets",
    "generate": "run",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
