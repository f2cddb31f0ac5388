"""The two mixes a run can be given: segments of the existing users, and the market.

``--segment-mix`` and ``--market`` (and ``segment_mix:`` / ``market:`` in ``demogen.yaml``)
are read here into checked mappings; :class:`~demogen.simulation.config.SimulationConfig`
carries them normalised.

Examples::

    parse_segment_mix("power_user=2,churning_user=1")
        → {Segment.POWER_USER: 2.0, Segment.CHURNING_USER: 1.0}
    parse_market("KR")             → {"KR": 1.0}
    parse_market("US=0.6,KR=0.4")  → {"US": 0.6, "KR": 0.4}
    parse_market("US,KR")          → {"US": 25.0, "KR": 35.0}   (countries.yaml weights)

A segment the mix does not name gets no share: ``POWER_USER=1`` makes every existing user
a power user. Problems are ``ValueError`` s naming what is wrong and the valid choices (the
config layer adds where they came from).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from demogen.simulation.config import DEFAULT_SEGMENT_MIX
from demogen.simulation.devices import load_countries
from demogen.vocab import Segment

__all__ = ["format_mix", "normalised", "parse_market", "parse_segment_mix", "segment_shares"]

#: The segments an existing user can start in (CHURNED_USER never shows up in the data).
MIX_SEGMENTS: tuple[Segment, ...] = tuple(DEFAULT_SEGMENT_MIX)
K = TypeVar("K")
#: Everyday names that are not the ISO code.
_ALIASES = {"UK": "GB", "EN": "GB", "KO": "KR", "JA": "JP", "ZH": "TW"}


def parse_segment_mix(value: str | Mapping[str, Any]) -> dict[Segment, float]:
    """``"NEW_USER=0.3,ACTIVE_USER=0.4"`` or a mapping → shares by segment (names in any
    case; shares as given, see :func:`normalised`)."""
    valid = ", ".join(MIX_SEGMENTS)
    mix: dict[Segment, float] = {}
    for name, share in _pairs(value, what="segment mix", example="POWER_USER=0.5").items():
        key = name.strip().upper()
        if key not in MIX_SEGMENTS:
            raise ValueError(f"unknown segment '{name}' in the segment mix"
                             f"{_close(key, MIX_SEGMENTS)}; the segments are {valid}")
        if share is None:
            raise ValueError(f"give {key} a share, e.g. {key}=0.3")
        mix[Segment(key)] = share
    if not mix:
        raise ValueError(f"the segment mix names no segment; e.g. POWER_USER=0.5,"
                         f"ACTIVE_USER=0.5 ({valid})")
    _check_total(mix, "segment mix")
    return mix


def parse_market(value: str | Mapping[str, Any]) -> dict[str, float]:
    """``"KR"``, ``"US=0.6,KR=0.4"``, ``"US,KR"`` or a mapping → weights by ISO code.

    Codes given without weights take their default weights from ``countries.yaml`` (as a
    plan's country enum does); weights for some codes only are refused as ambiguous.
    """
    countries = load_countries()
    valid = ", ".join(countries)
    pairs = _pairs(value, what="market", example="US=0.6,KR=0.4")
    market: dict[str, float | None] = {}
    for code, weight in pairs.items():
        key = code.strip().upper()
        if key not in countries:
            hint = (f" (did you mean {_ALIASES[key]}?)" if _ALIASES.get(key) in countries
                    else _close(key, tuple(countries)))
            raise ValueError(f"unknown country '{code}' in the market{hint}; demogen has data for "
                             f"{valid} (ISO 3166 codes; data/locale/countries.yaml)")
        market[key] = weight
    if not market:
        raise ValueError(f"the market names no country; e.g. KR or US=0.6,KR=0.4 ({valid})")
    weights = list(market.values())
    if all(w is None for w in weights):
        if len(market) == 1:
            return dict.fromkeys(market, 1.0)
        return {code: countries[code].weight for code in market}
    if any(w is None for w in weights):
        raise ValueError("give every country a weight (US=0.6,KR=0.4) or none "
                         "(US,KR takes countries.yaml's)")
    checked = {code: float(w) for code, w in market.items() if w is not None}
    _check_total(checked, "market")
    return checked


def normalised(mix: Mapping[K, float]) -> dict[K, float]:
    """Shares summing to 1, zero shares left out, in the given order."""
    total = sum(mix.values())
    return {key: share / total for key, share in mix.items() if share > 0}


def segment_shares(mix: Mapping[Segment, float] | None) -> dict[Segment, float]:
    """The run's starting segments: ``mix`` normalised, or the seed's default mix."""
    return normalised(mix) if mix else dict(DEFAULT_SEGMENT_MIX)


def format_mix(mix: Mapping[Any, float]) -> str:
    """A mix as the command line writes it: ``NEW_USER=0.3,ACTIVE_USER=0.4``."""
    return ",".join(f"{key}={share:g}" for key, share in mix.items())


def _pairs(value: str | Mapping[str, Any], *, what: str, example: str
           ) -> dict[str, float | None]:
    """``"a=1,b=2"``, ``"a,b"`` or a mapping → names with their number (None: not given)."""
    if isinstance(value, Mapping):
        items: list[tuple[str, Any]] = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, str):
        items = []
        for part in value.split(","):
            if not part.strip():
                continue
            name, sep, number = part.partition("=")
            items.append((name.strip(), number.strip() if sep else None))
    else:
        raise ValueError(f"write the {what} as {example}, got {type(value).__name__}")
    out: dict[str, float | None] = {}
    for name, number in items:
        if number is None:
            out[name] = None
            continue
        try:
            share = float(number)
            if not math.isfinite(share):
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(f"'{name}={number}' is not a number; write the {what} as "
                             f"{example}") from None
        if share < 0:
            raise ValueError(f"{name}={number} is negative; shares are 0 or more")
        out[name] = share
    return out


def _check_total(mix: Mapping[Any, float], what: str) -> None:
    if mix and sum(mix.values()) <= 0:
        raise ValueError(f"the {what}'s shares add up to 0; give one a positive share")


def _close(key: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
    return f" (did you mean {close[0]}?)" if close else ""
