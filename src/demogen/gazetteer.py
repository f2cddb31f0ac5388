"""The places every part of demogen shares (``data/locale/gazetteer.yaml``).

A :class:`Place` is one city of one province of one country, in English and in the local
script. The simulation draws a record's province and city as one place of the user's
country; validate checks that a record's province holds its city. Both read the data
here, so they agree on what a place is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

#: The place levels a property can show.
PROVINCE = "province"
CITY = "city"
LEVELS = (PROVINCE, CITY)

#: Words naming the level in a property name; what is left names the address it belongs
#: to (``receiver_city`` and ``receiver_province`` describe one place, ``city`` another).
_LEVEL_WORDS = re.compile(r"(^|_)(province|prefecture|state|region|county|district|area|"
                          r"city|town)$")


@dataclass(frozen=True, slots=True)
class Place:
    country: str
    province: tuple[str, str]   # (English, local script)
    city: tuple[str, str]

    def name(self, level: str, local: bool) -> str:
        return (self.province if level == PROVINCE else self.city)[1 if local else 0]


@functools.cache
def places() -> dict[str, tuple[Place, ...]]:
    """Country code → its places (one per city), in the file's order."""
    node = resources.files("demogen").joinpath("data", "locale", "gazetteer.yaml")
    data = yaml.safe_load(node.read_text(encoding="utf-8"))
    out: dict[str, tuple[Place, ...]] = {}
    for country, provinces in data["countries"].items():
        out[str(country)] = tuple(
            Place(str(country), tuple(p["province"]), tuple(c))  # type: ignore[arg-type]
            for p in provinces for c in p["cities"])
    return out


@functools.cache
def lookup(level: str) -> dict[str, tuple[Place, ...]]:
    """A name at ``level`` in either spelling (case-folded) → the places it names."""
    out: dict[str, list[Place]] = {}
    for found in places().values():
        for place in found:
            for text in {place.name(level, False), place.name(level, True)}:
                out.setdefault(_key(text), []).append(place)
    return {k: tuple(v) for k, v in out.items()}


def find(level: str, value: object) -> tuple[Place, ...]:
    """The places a value names at ``level`` (none: not in the gazetteer)."""
    return lookup(level).get(_key(str(value)), ())


def contains(province: object, city: object) -> bool | None:
    """Whether ``province`` holds ``city`` (None: one of them is not in the gazetteer)."""
    cities, provinces = find(CITY, city), find(PROVINCE, province)
    if not cities or not provinces:
        return None
    named = {p.province for p in provinces}
    return any(c.province in named for c in cities)


def address_of(name: str) -> str:
    """The address a place property belongs to: its name without the level word
    (``receiver_city`` → ``receiver``; ``city`` → ``""``)."""
    return _LEVEL_WORDS.sub("", name.lower())


_CITY_WORDS = frozenset({"city", "town"})
_PROVINCE_WORDS = frozenset({"province", "prefecture", "state", "region"})


def level_of(name: str) -> str | None:
    """The place level a property name shows (``receiver_city`` → city), if any."""
    found = _LEVEL_WORDS.search(name.lower())
    word = found.group(2) if found else None
    return CITY if word in _CITY_WORDS else PROVINCE if word in _PROVINCE_WORDS else None


def is_local(text: str) -> bool:
    """Whether a sample is written in a non-Latin script (서울, 東京都)."""
    return any(ord(ch) > 0x24F for ch in text)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
