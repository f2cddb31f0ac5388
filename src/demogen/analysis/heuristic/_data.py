"""The heuristic's word lists and tables, read once from ``demogen/data/heuristic_*.yaml``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

_FILES = ("lexicon", "concepts", "flows", "properties", "locales", "segments", "values",
          "values_numbers", "market", "updates", "playback")


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed ``heuristic_<name>.yaml`` (cached; callers must not mutate it)."""
    if name not in _FILES:
        raise KeyError(f"unknown heuristic data file '{name}'; known: {', '.join(_FILES)}")
    text = files("demogen").joinpath("data", f"heuristic_{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"heuristic_{name}.yaml must hold a mapping")
    return data


__all__ = ["load"]
