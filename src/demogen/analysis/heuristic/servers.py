"""Game servers: which properties name the user's server, and Rules' ``catalogues.server``.

A server property (``server_id``, ``realm``, ``world_id``, ``zone_name``: word list in
``data/heuristic_market.yaml``) shows the one server a user plays on. The servers are a
catalogue whose entries carry their region (``attributes: {region: KR}``, read from the id's
first word: ``kr_01`` → KR, ``asia_01`` → asia, ``global_01`` → global;
``data/locale/markets.yaml``), so a Korean user plays on a Korean or Asian server. The
analyzer writes the entries from the plan's enum (the whole list), its examples (samples:
each example region filled up to a few servers) or, when it lists none, a few per market
country; the simulation and validate read the same entries. A few users (``move_share``)
move once, later in their life, to a newer server of their region (simulation/values/
_places.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from demogen import regions
from demogen.analysis.heuristic._data import load
from demogen.analysis.rules import Catalogue, CatalogueEntry
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType

__all__ = ["ID", "MOVE_SESSIONS", "NAME", "REGION", "STEM", "entry_region", "plan_servers",
           "server_field", "server_name", "with_servers"]

#: Rules' catalogue of servers, and the attribute holding an entry's region.
STEM, REGION = "server", "region"
ID, NAME = "id", "name"

_DATA = load("market")["servers"]
_NAMES = re.compile(_DATA["names"])
_NAME_FIELDS = frozenset(_DATA["name_fields"])
_NEEDS_FIELD = frozenset(_DATA["needs_field"])
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")
#: The share of users who move once to a newer server (Rules ``move_share``), and the
#: session numbers (first, last) one of them moves at.
_MOVE_SHARE = float(_DATA["move_share"])
MOVE_SESSIONS: tuple[int, int] = (int(_DATA["move_sessions"][0]), int(_DATA["move_sessions"][1]))


def server_field(name: str) -> str | None:
    """``id`` or ``name`` when property ``name`` shows the user's server, else None."""
    if name.startswith("#"):
        return None
    found = _NAMES.match(name.lower())
    if found is None or (found["stem"] in _NEEDS_FIELD and not found["field"]):
        return None
    return NAME if found["field"] in _NAME_FIELDS else ID


def entry_region(entry: CatalogueEntry) -> str | None:
    """The entry's region: its ``region`` attribute, else the one its id names."""
    return entry.attributes.get(REGION) or regions.region_of(entry.id)


def server_name(entry: CatalogueEntry) -> str:
    """What a name property shows: the entry's name, else its id in words (``kr_01`` →
    "KR 01", ``asia_01`` → "Asia 01", ``7`` → "Server 7")."""
    if entry.name:
        return entry.name
    if entry.id.isdigit():
        return f"Server {entry.id}"
    parts = [p for p in re.split(r"[_\-.\s]+", entry.id) if p]
    return " ".join(p.upper() if len(p) == 2 and p.isalpha() else p[:1].upper() + p[1:]
                    for p in parts)


def plan_servers(taxonomy: EventTaxonomy, market: Mapping[str, float] | None
                 ) -> Catalogue | None:
    """Rules' ``catalogues.server`` for a plan with a server property (None: it has none)."""
    props = [p for p in _all(taxonomy) if server_field(p.name) == ID]
    if not any(server_field(p.name) for p in _all(taxonomy)):
        return None
    listed = _listed(p.enum for p in props if p.enum)
    examples = _listed(p.examples for p in props)
    if listed:
        entries = [_entry(i) for i in listed]
    elif examples:
        entries = [_entry(i) for i in _filled(examples, market)]
    else:
        numeric = any(p.type == PropertyType.NUMBER for p in props)
        entries = _market_entries(market, numeric)
    return Catalogue(entries=entries, move_share=_MOVE_SHARE)


def with_servers(catalogues: dict[str, Catalogue], taxonomy: EventTaxonomy,
                 market: Mapping[str, float] | None) -> dict[str, Catalogue]:
    """``catalogues`` with the plan's server catalogue (when it has server properties)."""
    servers = plan_servers(taxonomy, market)
    return catalogues if servers is None else {**catalogues, STEM: servers}


def _entry(ident: str, region: str | None = None) -> CatalogueEntry:
    region = region or regions.region_of(ident)
    return CatalogueEntry(id=ident, attributes={REGION: region} if region else {})


def _all(taxonomy: EventTaxonomy) -> Iterable[Property]:
    return (*taxonomy.properties, *taxonomy.common_properties, *taxonomy.user_properties)


def _listed(lists: Iterable[Sequence[object]]) -> list[str]:
    out: dict[str, None] = {}
    for values in lists:
        out.update((str(v).strip(), None) for v in values if v is not None and str(v).strip())
    return list(out)


def _filled(examples: list[str], market: Mapping[str, float] | None) -> list[str]:
    """The examples, each example region filled up to ``per_example_region`` ids in the
    examples' shape (asia_01 → asia_02, asia_03), and a global server for the market's
    countries no example region serves."""
    want = int(_DATA["per_example_region"])
    out = list(examples)
    for example in examples:
        shape = _TRAILING_NUMBER.match(example)
        region = regions.region_of(example)
        if shape is None or region is None:
            continue
        head, digits = shape.groups()
        number = int(digits)
        while sum(regions.region_of(i) == region for i in out) < want:
            number += 1
            ident = f"{head}{number:0{len(digits)}d}"
            if ident not in out:
                out.append(ident)
    served = [regions.region_of(i) for i in out]
    if any(not any(regions.serves(r, c) for r in served) for c in _countries(market)):
        shape = _TRAILING_NUMBER.match(examples[0])
        digits = shape.group(2) if shape else "01"
        out.append(f"{regions.ALL}_{1:0{len(digits)}d}")
    return out


def _market_entries(market: Mapping[str, float] | None, numeric: bool
                    ) -> list[CatalogueEntry]:
    """A few servers per market country (``kr_01`` …; ``1``, ``2`` … where the plan shows
    a server as a number: their regions are then only in the entries' attributes)."""
    if market:
        counts = [(code, int(_DATA["per_lead"] if share >= 0.5 else _DATA["per_country"]))
                  for code, share in sorted(market.items(), key=lambda kv: -kv[1])]
    else:
        counts = [(regions.ALL, int(_DATA["global"]))]
    regions_in_order = [region for region, count in counts for _ in range(count)]
    if numeric:
        return [_entry(str(i + 1), r) for i, r in enumerate(regions_in_order)]
    numbers: dict[str, int] = {}
    out = []
    for region in regions_in_order:
        numbers[region] = numbers.get(region, 0) + 1
        out.append(_entry(f"{region.lower()}_{numbers[region]:02d}", region))
    return out


def _countries(market: Mapping[str, float] | None) -> list[str]:
    return list(market) if market else list(regions.countries())
