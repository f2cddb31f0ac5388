"""Where a value points on the map: the countries a server region serves, the country of an IP.

``data/locale/markets.yaml`` (``server_regions``) says which countries a server's region word
stands for (``asia_01`` → KR, JP, TW …; ``kr_01`` → KR; ``global_01`` → everyone);
``data/locale/countries.yaml`` holds each country's public IP blocks, from which
ThinkingData derives ``#country``. The analyzer, the simulation and validate read both
through here, so they agree on what a server id means.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from importlib import resources
from typing import Any

import yaml

__all__ = ["ALL", "countries", "country_of_ip", "region_countries", "region_of", "serves"]

#: The region of a server anyone may play on.
ALL = "global"

_WORD = re.compile(r"[^\W\d_]+")


def _yaml(name: str) -> dict[str, Any]:
    text = resources.files("demogen").joinpath("data", "locale", name).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.cache
def countries() -> tuple[str, ...]:
    """The ISO codes of ``countries.yaml``."""
    return tuple(_yaml("countries.yaml")["countries"])


@functools.cache
def _regions() -> dict[str, frozenset[str] | None]:
    """Region word (lower case) → its countries (None: every country)."""
    out: dict[str, frozenset[str] | None] = {c.lower(): frozenset({c}) for c in countries()}
    for word, members in _yaml("markets.yaml")["server_regions"].items():
        out[str(word).lower()] = None if members == "all" else frozenset(members)
    return out


def region_of(server: Any) -> str | None:
    """The region a server id names by its first word (``kr_01`` → ``KR``, ``asia_01`` →
    ``asia``, ``global_01`` → ``global``); None: it names none (``s1``, ``1001``)."""
    for word in _WORD.findall(str(server)):
        key = word.lower()
        if key in _regions():
            members = _regions()[key]
            if members is None:
                return ALL
            return key.upper() if len(members) == 1 and key.upper() in members else key
        return None     # only the first word may name the region (server_kr is no region)
    return None


def region_countries(region: str | None) -> frozenset[str] | None:
    """The countries a region serves (None: any country; an unknown word serves any)."""
    if region is None:
        return None
    return _regions().get(region.lower())


def serves(region: str | None, country: str) -> bool:
    """Whether a server of ``region`` is one ``country``'s users play on."""
    members = region_countries(region)
    return members is None or country in members


@functools.cache
def _ip_blocks() -> tuple[tuple[ipaddress.IPv4Network, str], ...]:
    return tuple((ipaddress.IPv4Network(prefix), code)
                 for code, c in _yaml("countries.yaml")["countries"].items()
                 for prefix in c["ip_prefixes"])


def country_of_ip(ip: Any) -> str | None:
    """The country whose public block holds ``ip`` (as ThinkingData derives ``#country``)."""
    try:
        address = ipaddress.IPv4Address(str(ip))
    except (ipaddress.AddressValueError, ValueError):
        return None
    return next((code for net, code in _ip_blocks() if address in net), None)
