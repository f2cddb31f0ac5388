"""Rules' ``catalogues``: the things a plan lists, written so a user sees and edits them.

Every id the plan lists in an id property's enum (``commodity_id``: 상품1 … 상품6) becomes
an entry of its stem's catalogue; so does every name a name property lists (``item_name``:
Sword, Shield: a named entry, ``_catalogue_names.py``), and the ids a game's or app's store
lists as examples (three or more: ``product_id``: gem_pack_60, gem_pack_300, starter_pack
…). Things a record pays for (a priced stem, ``data/catalogues.yaml``, on an event with a
money amount or in an order's rows with a price) get a ``price_usd``: store tiers for games
and apps, rising with the number in the id (gem_pack_60 < gem_pack_300), or a shop price;
both a function of the id, so the same plan gets the same list. An id listed alone gets a
name and a type from its id (``_catalogue_names.with_names``), which the run shows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence, Set

from demogen.analysis.billing import PERIOD_ATTRIBUTE
from demogen.analysis.heuristic._catalogue_counts import count_attributes
from demogen.analysis.heuristic._catalogue_names import (
    named_ids,
    plan_names,
    type_of,
    with_names,
)
from demogen.analysis.heuristic._catalogues import (
    ID,
    catalogue_data,
    catalogue_role,
    fields_stem,
    priced_stems,
)
from demogen.analysis.heuristic._consumables import one
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._money import money_role, plan_currency
from demogen.analysis.heuristic._period_plans import period_plan_ids
from demogen.analysis.heuristic._periods import id_period_days, period_of_word
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.analysis.rules import Catalogue, CatalogueEntry, MonetaryProperty
from demogen.currencies import (
    bundled_fx,
    industry_mode,
    is_unit_price,
    load_currencies,
    unit_price_usd,
)
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType

_NUMBER = re.compile(r"\d+")


def plan_ids(props: Sequence[Property]) -> dict[str, tuple[str, ...]]:
    """Stem → the ids the plan lists in an id property's enum (``commodity_id``: 상품1 …
    상품6), in the plan's order."""
    out: dict[str, tuple[str, ...]] = {}
    for prop in props:
        role = catalogue_role(prop.name)
        if role is not None and role.field == ID and prop.enum:
            found = out.get(role.stem, ())
            listed = (str(x).strip() for x in prop.enum if x is not None and str(x).strip())
            out[role.stem] = tuple(dict.fromkeys((*found, *listed)))
    return out


def _example_ids(props: Sequence[Property]) -> dict[str, tuple[str, ...]]:
    """Stem → the ids an id property's examples list, when they are a list (three or more:
    ``product_id``: gem_pack_60, gem_pack_300, starter_pack …), not one sample."""
    out: dict[str, tuple[str, ...]] = {}
    for prop in props:
        role = catalogue_role(prop.name)
        examples = tuple(dict.fromkeys(str(x).strip() for x in prop.examples if str(x).strip()))
        if role is not None and role.field == ID and not prop.enum and len(examples) >= 3:
            out[role.stem] = tuple(dict.fromkeys((*out.get(role.stem, ()), *examples)))
    return out


def plan_catalogues(taxonomy: EventTaxonomy, money: Mapping[str, MonetaryProperty],
                    industry: str) -> dict[str, Catalogue]:
    """Rules' ``catalogues`` for ``taxonomy``: its listed ids, priced where they are sold."""
    props = (*taxonomy.properties, *taxonomy.common_properties)
    listed = plan_ids(props)
    by_period = period_plan_ids(props)     # plan: monthly | annual, a price list's picks
    for stem, ids in by_period.items():
        listed[stem] = tuple(dict.fromkeys((*listed.get(stem, ()), *ids)))
    named: dict[str, dict[str, str]] = {}     # stem → id → the name the plan lists
    for stem, things in plan_names(props).items():
        named[stem] = named_ids(things, listed.get(stem, ()))
        listed.setdefault(stem, tuple(named[stem]))
    sold = _sold_stems(taxonomy, money, set(by_period))
    mode = industry_mode(industry)
    if mode.get("mode") != "aov":   # a game's or app's store: the SKUs its examples list
        for stem, ids in _example_ids(props).items():
            if stem in sold and stem not in listed:
                listed[stem] = ids
    points = enum_points(taxonomy, money)
    named_points = _currency_points(plan_currency(taxonomy))
    out: dict[str, Catalogue] = {}
    for stem, ids in listed.items():
        prices = _prices(stem, ids, mode, named_points) if stem in sold else {}
        if stem in points:  # the plan's own price list: each entry one of its points
            prices = {i: _enum_price(stem, i, points[stem]) for i in ids}
        names = named.get(stem, {})
        # coin_100 gives 100 coins: its count property (coin_amount) shows the id's number
        counts = count_attributes(stem, ids, taxonomy, named_points) if stem in sold else {}
        out[stem] = Catalogue(entries=[
            CatalogueEntry(id=i, name=names.get(i), price_usd=prices.get(i),
                           type=type_of(names[i]) if i in names else None,
                           attributes={**_period_attributes(stem, i), **counts.get(i, {})})
            for i in ids])
    # Ids listed alone get names here; a stem with a name list keeps its names' matching.
    return {stem: c if stem in named else with_names(stem, c, industry)
            for stem, c in out.items()}


def _period_attributes(stem: str, ident: str) -> dict[str, str]:
    """A plan's billing period (``plus_yearly``: ``period_days: 365``): its renewals come
    that long after its charge."""
    days = id_period_days(ident) if stem in catalogue_data()["plan_stems"] else None
    return {PERIOD_ATTRIBUTE: str(days)} if days else {}


def enum_points(taxonomy: EventTaxonomy, money: Mapping[str, MonetaryProperty]
                ) -> dict[str, tuple[float, ...]]:
    """Stem → the USD prices the plan's own enum on the amount paying for it lists
    (``price``: 0.99, 4.99 beside ``product_id``), in the plan's currency (its texts' one
    currency, else USD) converted at the bundled FX table."""
    stems = priced_stems()
    by_name = {p.name: p for p in (*taxonomy.properties, *taxonomy.common_properties)}
    rate = bundled_fx()[1].get(plan_currency(taxonomy) or "USD", 1.0)
    out: dict[str, tuple[float, ...]] = {}
    for event in taxonomy.events:
        names = (*event.properties, *(p.name for p in taxonomy.common_properties))
        ids = sorted((stems.index(r.stem), r.stem) for n in names
                     if (r := catalogue_role(n)) is not None and r.field == ID
                     and r.stem in stems)
        listed = [x for n in sorted(names) if n in money and _base(n, money[n], event.name)
                  and (p := by_name.get(n)) is not None and p.enum
                  for x in p.enum if isinstance(x, int | float) and not isinstance(x, bool)]
        if ids and listed:
            stem = ids[0][1]
            out[stem] = tuple(sorted({*out.get(stem, ()), *(x * rate for x in listed)}))
    return out


def _base(name: str, rule: MonetaryProperty, event: str) -> bool:
    """Whether money property ``name`` holds a record's lines on ``event``."""
    return (not rule.events or event in rule.events) and \
        (rule.role or money_role(name)) in ("amount", "subtotal")


def _enum_price(stem: str, ident: str, points: Sequence[float]) -> float:
    """One of the plan's price points for an id: a function of the id alone."""
    return round(points[int(_fraction(stem, ident) * len(points))], 6)


def _sold_stems(taxonomy: EventTaxonomy, money: Mapping[str, MonetaryProperty],
                by_period: Set[str] = frozenset()) -> set[str]:
    """The priced stems a record pays for: an id of the stem beside a money amount on one
    event, or in the rows of an order that show a price; a plan picked by its period
    (``by_period``: its stems) beside an amount."""
    stems = set(priced_stems())
    by_name = {p.name: p for p in (*taxonomy.properties, *taxonomy.common_properties)}
    out: set[str] = set()
    for event in taxonomy.events:
        names = set(event.properties) | {p.name for p in taxonomy.common_properties}
        paid = any(n in money and (not money[n].events or event.name in money[n].events)
                   for n in names)
        for name in names:
            role = catalogue_role(name)
            if paid and role is not None and role.field == ID and role.stem in stems:
                out.add(role.stem)
            if paid and (stem := normalize(leaf(name)).rsplit("_", 1)[-1]) in by_period:
                out.add(stem)
            prop = by_name.get(name)
            if prop is not None and prop.type in (PropertyType.OBJECT,
                                                  PropertyType.OBJECT_GROUP):
                out |= _row_stem(prop, stems)
    return out


def _row_stem(prop: Property, stems: set[str]) -> set[str]:
    keys = {leaf(c.name): c for c in prop.children}
    stem = fields_stem(prop.name, keys)
    priced = any(c.type == PropertyType.NUMBER and is_unit_price(normalize(k))
                 for k, c in keys.items())
    named = any((r := catalogue_role(k, stem)) is not None and r.field == ID for k in keys)
    return {stem} if stem in stems and priced and named else set()


def _currency_points(code: str | None) -> tuple[float, ...]:
    """The store tiers of the plan's one currency (CNY 6 … 648), none when it names none."""
    info = load_currencies().currencies.get(code) if code else None
    return info.points if info is not None else ()


def _prices(stem: str, ids: Sequence[str], mode: Mapping[str, object],
            named_points: Sequence[float] = ()) -> dict[str, float]:
    """USD price per id: store tiers rising with the ids' numbers (games and apps), else a
    price from a hash of the id. A family whose numbers are all tiers of the plan's
    currency (``gem_30``, ``gem_68`` in CNY) costs those tiers: the number is the price."""
    out = {i: unit_price_usd(mode, _fraction(stem, i)) for i in ids}
    if mode.get("mode") == "aov":
        return out
    families: dict[str, dict[str, int]] = {}   # gem_pack_# → {gem_pack_60: 60, …}
    for ident in ids:
        numbers = _NUMBER.findall(ident)
        if numbers:
            families.setdefault(_NUMBER.sub("#", ident), {})[ident] = int(numbers[-1])
    tiers = load_currencies().currencies["USD"].points
    for numbered in families.values():
        values = sorted(set(numbered.values()))
        if len(values) < 2:
            continue
        if all(n in named_points for n in values):   # tiers line up across currencies
            out.update({i: tiers[list(named_points).index(n)] for i, n in numbered.items()})
            continue
        for ident, n in numbered.items():   # gem_pack_60 < gem_pack_300: cheapest first
            rank = values.index(n) / (len(values) - 1)
            out[ident] = tiers[round(rank * (len(tiers) - 1))]
        out.update(_pack_prices(numbered))
    out.update(_period_prices(out, ids, tiers))
    return out


def _pack_prices(numbered: Mapping[str, int]) -> dict[str, float]:
    """Packs of a consumable with a known unit price (``boost_1``, ``boost_5``,
    ``boost_10``: catalogues.yaml ``pack_prices``) cost ``unit × n^(1 - bulk)`` at a store
    price: more in total, less each. By rank at the store tiers a 10-pack cost 99.99 USD
    (10.00 each) beside a single's 0.99."""
    spec = catalogue_data()["pack_prices"]
    units = {tuple(k.split("_")): float(v) for k, v in spec["unit_usd"].items()}
    pack = set(spec["pack_words"])
    out: dict[str, float] = {}
    last_total, last_each = 0.0, float("inf")
    for ident, n in sorted(numbered.items(), key=lambda kv: kv[1]):
        thing = tuple(one(w) for w in split_words(_NUMBER.sub("", ident)) if w not in pack)
        unit = units.get(thing)
        if unit is None or n <= 0:
            return {}
        price = _store_price(unit * n ** (1 - float(spec["bulk"])))
        while price <= last_total:              # a bigger pack never costs less in total
            price = _store_price(price + 1)
        while price / n > last_each and _store_price(price - 1) > last_total:
            price = _store_price(price - 1)     # nor more each
        out[ident], last_total, last_each = price, price, price / n
    return out


def _store_price(usd: float) -> float:
    """The nearest store price: x.99 under 50 USD, then x4.99 / x9.99."""
    if usd < 50:
        return max(0.99, round(round(usd) - 0.01, 2))
    return round(round(usd / 5) * 5 - 0.01, 2)


def _period_prices(prices: Mapping[str, float], ids: Sequence[str],
                   tiers: Sequence[float]) -> dict[str, float]:
    """One plan billed per period (``plus_monthly``, ``plus_yearly``): each id of the family
    costs its shortest period's price times the period's factor (a year: 10 months;
    ``heuristic_properties.yaml`` period_price_factors), at the nearest price point."""
    words = period_of_word()
    factors: dict[str, float] = load("properties")["period_price_factors"]
    families: dict[tuple[str, ...], dict[str, str]] = {}   # plus_# → {plus_monthly: month}
    for ident in ids:
        parts = split_words(ident)
        named = [(i, words[w]) for i, w in enumerate(parts) if w in words]
        if len(named) == 1:
            at, period = named[0]
            rest = (*parts[:at], "#", *parts[at + 1:])
            families.setdefault(rest, {})[ident] = period
    out: dict[str, float] = {}
    for family in families.values():
        if len(set(family.values())) < 2:
            continue
        ranked = sorted(family, key=lambda i: factors[family[i]])   # shortest first
        low, high = factors[family[ranked[0]]], factors[family[ranked[-1]]]
        # The shortest period's price leaves room for the longest below the top point.
        room = [t for t in tiers if t <= tiers[-1] * low / high] or [tiers[0]]
        unit = max(t for t in room if t <= max(prices[ranked[0]], room[0])) / low
        last = 0.0
        for ident in ranked:
            near = min(tiers, key=lambda t: abs(t - unit * factors[family[ident]]))
            out[ident] = last = max(near, next((t for t in tiers if t > last), tiers[-1]))
    return out


def _fraction(stem: str, ident: str) -> float:
    """A number in [0, 1) that depends only on the id (the plan's list stays the same)."""
    digest = hashlib.blake2b(f"{stem}\x1f{ident}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0 ** 64


__all__ = ["plan_catalogues", "plan_ids"]
