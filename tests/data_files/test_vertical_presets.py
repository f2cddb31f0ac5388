"""Sanity checks of the vertical behaviour presets in ``src/demogen/data/verticals``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml

VERTICALS_DIR = Path(__file__).resolve().parents[2] / "src" / "demogen" / "data" / "verticals"
VERTICALS = ("game", "ecommerce", "saas", "fitness", "media", "education", "mobility",
             "generic")

#: band key -> where its default lives in the preset
BAND_DEFAULTS = {
    "d1": ("retention", "d1"),
    "d7": ("retention", "d7"),
    "d30": ("retention", "d30"),
    "dau_mau": ("dau_mau",),
    "payer_rate": ("payer_rate",),
    "sessions_per_active_day": ("sessions_per_active_day", "mean"),
    "median_session_minutes": ("session_minutes", "median"),
}


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((VERTICALS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


#: Knobs that are off (null) in some presets and a block of their own in others.
OPTIONAL_BLOCKS = {"content_loop.search_results", "content_loop.view_run",
                   "content_loop.search_loop"}


def key_paths(node: Any, prefix: str = "") -> set[str]:
    if not isinstance(node, dict):
        return set()
    paths = set()
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        paths |= {path} | (set() if path in OPTIONAL_BLOCKS else key_paths(value, path))
    return paths


def dig(node: dict[str, Any], path: tuple[str, ...]) -> float:
    for key in path:
        node = node[key]
    return node  # type: ignore[return-value]


def test_one_file_per_vertical() -> None:
    found = {p.stem for p in VERTICALS_DIR.glob("*.yaml")}
    assert found == set(VERTICALS)


def test_all_files_have_the_same_keys() -> None:
    reference = key_paths(load("generic"))
    for name in VERTICALS:
        assert key_paths(load(name)) == reference, name
    assert set(BAND_DEFAULTS) == {k.split(".", 1)[1] for k in reference if k.startswith("bands.")}


@pytest.mark.parametrize("name", VERTICALS)
def test_preset_shapes(name: str) -> None:
    p = load(name)
    assert p["name"] == name
    assert p["description"].strip()
    hourly = p["hourly_weights"]
    assert len(hourly) == 24
    assert all(w > 0 for w in hourly)
    assert max(hourly) == pytest.approx(1.0)
    assert 2 <= hourly.index(min(hourly)) <= 6, "night trough must fall in 02-06 h"
    for key in ("weekday_multipliers",):
        assert len(p[key]) == 7 and all(m > 0 for m in p[key])
    weekly = p["growth"]["weekly_multipliers"]
    assert len(weekly) == 7 and all(m > 0 for m in weekly)
    assert 0 < p["sessions_per_active_day"]["mean"] <= p["sessions_per_active_day"]["max"]
    assert p["session_minutes"]["sigma"] > 0 and p["spend"]["sigma"] > 0
    assert p["spend"]["median_order"] > 0 and len(p["spend"]["currency"]) == 3
    assert p["engagement_sigma"] > 0
    for key in ("payer_rate", "first_purchase_day0_share", "whale_top10_share", "dau_mau"):
        assert 0 < p[key] < 1, key
    assert 0 <= p["growth"]["existing_base_share"] < 1
    assert p["returning"]["churn_after_days"] >= 1
    assert 0 <= p["returning"]["return_probability"] <= 1


@pytest.mark.parametrize("name", VERTICALS)
def test_defaults_inside_bands(name: str) -> None:
    p = load(name)
    for band, path in BAND_DEFAULTS.items():
        low, high = p["bands"][band]
        assert low < high, (name, band)
        assert low <= dig(p, path) <= high, (name, band, dig(p, path), (low, high))


@pytest.mark.parametrize("name", VERTICALS)
def test_retention_curve(name: str) -> None:
    r = load(name)["retention"]
    assert r["d1"] > r["d7"] > r["d30"] > 0
    # power law r(n) = d1 * n^-b through d1 and d7 (realism-bands.md §1.1, §8 invariant 1)
    b = math.log(r["d1"] / r["d7"]) / math.log(7)
    assert 0.15 <= b <= 0.8, b
    low, high = load(name)["bands"]["d30"]
    assert low <= r["d1"] * 30**-b <= high


@pytest.mark.parametrize("name", VERTICALS)
def test_event_gap_matches_session_length(name: str) -> None:
    p = load(name)
    derived = p["session_minutes"]["median"] * 60 / p["events_per_session"]["median"]
    assert derived / 1.5 <= p["event_gap_seconds"]["mean"] <= derived * 1.5
