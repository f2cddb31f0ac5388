"""The two mixes a run can be given: segments of the existing users, and the market.

``--segment-mix`` and ``--market`` (and ``segment_mix:`` / ``market:`` in ``demogen.yaml``)
are read here into checked mappings; :class:`~demogen.simulation.config.SimulationConfig`
carries them normalised.

Examples::

    parse_segment_mix("power_user=2,churning_user=1")
        → {Segment.POWER_USER: 2.0, Segment.CHURNING_USER: 1.0}
    parse_market("KR")             → {"KR": 1.0}
    parse_market("US=0.6,KR=0.4")  → {"US": 0.6, "KR": 0.4}
    parse_market("US,KR")          → {"US": 15.0, "KR": 35.0}   (countries.yaml weights)
    parse_market("KR=0.8,SEA=0.2") → {"KR": 0.8, "ID": 0.08, "TH": 0.06, "VN": 0.06}
    parse_market("global")         → every country at its countries.yaml weight

Region groups (``SEA``, ``EU``, ``global``) and their member weights are in
``data/locale/markets.yaml``; a mix is always returned as ISO country codes.

A segment the mix does not name gets no share: ``POWER_USER=1`` makes every existing user
a power user. Problems are ``ValueError`` s naming what is wrong and the valid choices (the
config layer adds where they came from).
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Mapping
from importlib import resources
from typing import Any, TypeVar

import yaml

from demogen.simulation.config import DEFAULT_SEGMENT_MIX
from demogen.simulation.devices import load_countries
from demogen.taxonomy import EventTaxonomy, ProductInfo
from demogen.vocab import Segment

__all__ = ["format_mix", "global_market", "normalised", "parse_market", "parse_segment_mix",
           "regions", "run_market", "segment_shares"]

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
    """``"KR"``, ``"US=0.6,KR=0.4"``, ``"US,KR"``, ``"SEA"`` or a mapping → weights by ISO
    code.

    Codes given without weights take their default weights from ``countries.yaml`` (as a
    plan's country enum does; a region the sum of its members'); weights for some codes
    only are refused as ambiguous. A region's weight is shared by its members at the
    region's member weights (``markets.yaml``).
    """
    countries = load_countries()
    groups = regions()
    valid = ", ".join([*countries, *groups])
    pairs = _pairs(value, what="market", example="US=0.6,KR=0.4")
    market: dict[str, float | None] = {}
    for code, weight in pairs.items():
        key = _market_key(code.strip(), countries, groups)
        if key is None:
            upper = code.strip().upper()
            hint = (f" (did you mean {_ALIASES[upper]}?)" if _ALIASES.get(upper) in countries
                    else _close(upper, (*countries, *groups)))
            raise ValueError(f"unknown country '{code}' in the market{hint}; demogen has data for "
                             f"{valid} (ISO 3166 codes; data/locale/countries.yaml, regions in "
                             "data/locale/markets.yaml)")
        market[key] = weight
    if not market:
        raise ValueError(f"the market names no country; e.g. KR or US=0.6,KR=0.4 ({valid})")
    weights = list(market.values())
    if all(w is None for w in weights):
        if len(market) == 1:
            return _expanded(dict.fromkeys(market, 1.0), groups)
        return _expanded({key: _default_weight(key, countries, groups) for key in market},
                         groups)
    if any(w is None for w in weights):
        raise ValueError("give every country a weight (US=0.6,KR=0.4) or none "
                         "(US,KR takes countries.yaml's)")
    checked = {code: float(w) for code, w in market.items() if w is not None}
    _check_total(checked, "market")
    return _expanded(checked, groups)


@functools.cache
def regions() -> dict[str, dict[str, float]]:
    """The region groups of ``data/locale/markets.yaml``: name → member weights (``global``:
    every country at its ``countries.yaml`` weight)."""
    node = resources.files("demogen").joinpath("data", "locale", "markets.yaml")
    raw = yaml.safe_load(node.read_text(encoding="utf-8"))["regions"]
    countries = load_countries()
    out: dict[str, dict[str, float]] = {}
    for name, members in raw.items():
        if members == "countries":
            out[name] = {code: info.weight for code, info in countries.items() if info.weight}
        else:
            out[name] = {str(code).upper(): float(w) for code, w in members.items()}
    return out


def global_market() -> dict[str, float]:
    """The mix of a run nobody gave a market: every country at its default weight."""
    return normalised(regions()["global"])


def run_market(override: Mapping[str, float] | None, planned: Mapping[str, float] | None,
               taxonomy: EventTaxonomy, product: ProductInfo) -> dict[str, float]:
    """The market a run uses, as shares: ``--market`` (``demogen.yaml``) over Rules'
    ``market`` (``planned``: the analyzer's default) over what the plan itself says (rules
    written without a market) over :func:`global_market`."""
    from demogen.analysis.heuristic.market import plan_market

    chosen = override or planned or plan_market(taxonomy, product)
    return normalised(dict(chosen)) if chosen else global_market()


def _market_key(code: str, countries: Mapping[str, Any],
                groups: Mapping[str, Any]) -> str | None:
    upper = code.upper()
    if upper in countries:
        return upper
    return next((name for name in groups if name.upper() == upper), None)


def _default_weight(key: str, countries: Mapping[str, Any],
                    groups: Mapping[str, Mapping[str, float]]) -> float:
    """A code's default weight (a weight-0 country named on purpose counts as 1)."""
    if key in groups:
        return sum(_default_weight(c, countries, {}) for c in groups[key])
    return countries[key].weight or 1.0


def _expanded(mix: Mapping[str, float], groups: Mapping[str, Mapping[str, float]]
              ) -> dict[str, float]:
    """Regions replaced by their member countries (a region's weight shared at its member
    weights); a country named twice adds up."""
    out: dict[str, float] = {}
    for key, weight in mix.items():
        members = groups.get(key)
        if members is None:
            out[key] = out.get(key, 0.0) + weight
            continue
        total = sum(members.values())
        for code, share in members.items():
            out[code] = out.get(code, 0.0) + weight * share / total
    return out


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
