"""The values package's public face: what the rest of the simulation may import."""

from __future__ import annotations

import demogen.simulation.values as values


def test_public_api() -> None:
    assert values.__all__ == ["EventSampler", "ValueFactory", "format_time"]
    for name in ("event_sampler", "initial_user_state", "user_value", "mirrors",
                 "country_weights"):
        assert callable(getattr(values.ValueFactory, name)), name
