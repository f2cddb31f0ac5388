"""Which properties describe one catalogue thing (an item, a product, a currency, a stage).

``product_id``, ``product_name`` and ``product_type`` in one record are three views of one
product; so are ``item_id``, ``item_name`` and a bare ``id`` inside ``items_received_info``.
:func:`catalogue_role` reads that from a name (word lists in ``data/catalogues.yaml``); the
simulation draws one entry per thing and shows its fields, validate checks that one id
keeps one name and type. Both read the roles from here, so they agree.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

from demogen.analysis.heuristic.servers import server_field
from demogen.analysis.heuristic.values.names import id_spec, leaf, normalize, singular

__all__ = ["ID", "NAME", "TYPE", "Role", "catalogue_data", "catalogue_role", "fields_stem",
           "group_roles", "is_quantity", "object_stem", "priced_stems",
           "record_role", "record_stem", "thing_attributes", "thing_role"]

ID, NAME, TYPE = "id", "name", "type"


@functools.cache
def catalogue_data() -> dict[str, Any]:
    """The parsed ``data/catalogues.yaml`` (cached; callers must not mutate it)."""
    text = files("demogen").joinpath("data", "catalogues.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@functools.cache
def _field_words() -> dict[str, str]:
    """Last word → field (``title`` → ``name``)."""
    return {word: field for field, words in catalogue_data()["fields"].items()
            for word in words}


@functools.cache
def _stem_field_words() -> dict[str, str]:
    """Last word → field, for words naming a field only after a stem (``dish_sku``)."""
    return {word: field for field, words in catalogue_data().get("stem_fields", {}).items()
            for word in words}


@functools.cache
def _code_field_words() -> dict[str, str]:
    """Last word → an entry's own code field (``sku``), shown beside the thing's id."""
    return {word: field for field, words in catalogue_data().get("code_fields", {}).items()
            for word in words}


def _code_field(name: str) -> str | None:
    """The code field ``name`` shows where it stands beside an id (``item_sku`` → sku)."""
    return _code_field_words().get(normalize(leaf(name)).rsplit("_", 1)[-1])


def _venue_field(stem: str, last: str) -> str | None:
    """``hotel_star`` → ``star``: an attribute of a place one books (catalogues.yaml
    ``venue_attributes``), None for other stems (a game hero's star is its upgrade)."""
    venues = catalogue_data().get("venue_attributes", {})
    if singular(stem.rsplit("_", 1)[-1]) not in venues.get("stems", ()):
        return None
    return next((f for f, words in venues.get("fields", {}).items() if last in words), None)


@functools.cache
def thing_attributes() -> dict[str, str]:
    """Attribute word → the vocabulary list its values come from (``rarity`` → grades): the
    attributes any catalogue thing keeps per id after its stem (``hero_rarity``)."""
    return dict(catalogue_data().get("thing_attributes", {}))


@dataclass(frozen=True, slots=True)
class Role:
    """The thing (``stem``: ``product``) and which of its fields (``id``, ``name``,
    ``type``, ``size``, ``color``, an attribute: ``rarity``, ``brand``) a property shows."""

    stem: str
    field: str


def object_stem(parent: str) -> str:
    """The thing an object's bare fields describe: ``items_received_info`` → ``item``,
    ``currencies_spent_info`` → ``currency``, ``commodity_list`` → ``commodity``."""
    return singular(normalize(leaf(parent)).split("_")[0])


@functools.lru_cache(maxsize=8192)
def catalogue_role(name: str, stem_of_object: str | None = None) -> Role | None:
    """The catalogue role of property ``name`` (``stem_of_object``: the thing of the object
    the property is a field of, for bare ``id``/``name``/``type``), or None."""
    norm = normalize(leaf(name))
    if server_field(norm):   # the user's server: drawn in their region (servers.py)
        return None
    words = _field_words()
    if stem_of_object and norm in _code_field_words():   # a products row's bare sku
        return Role(stem_of_object, _code_field_words()[norm])
    if norm in words:   # a bare field: only inside an object it says whose
        return Role(stem_of_object, words[norm]) if stem_of_object else None
    stem, _, last = norm.rpartition("_")
    plan = _plan_stem(stem, last)
    if plan is not None:
        return Role(plan, ID)
    field = words.get(last) or _stem_field_words().get(last) or _venue_field(stem, last) \
        or (last if last in thing_attributes() else None)
    if field is None or not stem:
        return None
    stem = singular(stem)
    if stem in catalogue_data()["not_stems"] or stem.rsplit("_", 1)[-1] in \
            catalogue_data()["not_stems"]:
        return None
    return Role(stem, field)


def _plan_stem(stem: str, last: str) -> str | None:
    """The plan a subscriber picks that ``<stem>_<last>`` names by a code (``plan_code``,
    ``subscription_plan_code`` → ``plan``): a price-list entry like a product's id."""
    data = catalogue_data()
    word = stem.rsplit("_", 1)[-1]
    return word if last in data["plan_id_words"] and word in data["plan_stems"] else None


@functools.cache
def _record_field_words() -> dict[str, str]:
    """Bare word → field, at the top level of a record naming one priced thing."""
    return {word: field for field, words in catalogue_data().get("record_fields", {}).items()
            for word in words}


def record_stem(names: Iterable[str]) -> str | None:
    """The one priced thing a record names by an id (``product_id``: ``product``), whose
    fields its bare ``name``/``brand``/``category`` are (Segment's flat Product Viewed);
    None when it names none or several."""
    priced = priced_stems()
    ids = [(name, role.stem) for name in names if (role := catalogue_role(name)) is not None
           and role.field == ID and role.stem in priced]
    # A sku word (item_sku) names an id only where no other id does: beside product_id
    # it is the product's code, not a second priced thing.
    stems = {stem for name, stem in ids if _code_field(name) is None} or \
        {stem for _, stem in ids}
    return stems.pop() if len(stems) == 1 else None


def record_role(name: str, stem: str | None) -> Role | None:
    """The role of a bare top-level ``name`` in a record naming ``stem``'s thing (its
    :func:`record_stem`), or None."""
    field = _record_field_words().get(normalize(leaf(name))) if stem else None
    return Role(stem, field) if stem and field else None


@functools.cache
def _thing_field_words() -> dict[str, str]:
    """Bare word → the attribute it shows of the one thing its record names (``author``)."""
    return {word: field for field, words in catalogue_data().get("thing_fields", {}).items()
            for word in words}


def _id_stem(names: Iterable[str]) -> str | None:
    """The one stem ``names`` name by an id (``series_id``: series), None for none or
    several. An id new for every event (``ride_id`` beside ``driver_id``) names no thing
    with attributes."""
    stems = {role.stem for name in names
             if (role := catalogue_role(name)) is not None and role.field == ID
             and ((spec := id_spec(name)) is None or spec.mode != "unique")}
    return stems.pop() if len(stems) == 1 else None


def thing_role(name: str, stem: str | None) -> Role | None:
    """The role of a bare ``name`` that is an attribute of the thing ``stem`` its record or
    row names (``author`` beside ``series_id``: the series' author), or None."""
    field = _thing_field_words().get(normalize(leaf(name))) if stem else None
    return Role(stem, field) if stem and field else None


def group_roles(names: Iterable[str], stem_of_object: str | None = None
                ) -> dict[str, dict[str, Role]]:
    """Stem → {property → role} for the stems two or more of ``names`` describe and at
    least one of them names (an id or a name): only those need to agree. At a record's
    top level (no ``stem_of_object``) its bare fields are its one priced thing's, and its
    bare attributes (``author``, ``genre``) its one named thing's."""
    names = list(names)
    top = record_stem(names) if stem_of_object is None else None
    thing = stem_of_object or _id_stem(names)
    by_stem: dict[str, dict[str, Role]] = {}
    for name in names:
        # an attribute listed whole (vehicle_color beside driver_id) is the thing's, not
        # the color of a "vehicle" nothing names
        role = thing_role(name, thing) or catalogue_role(name, stem_of_object) \
            or record_role(name, top)
        if role is not None:
            by_stem.setdefault(role.stem, {})[name] = role
    _codes_beside_ids(by_stem, top)
    return {stem: roles for stem, roles in by_stem.items()
            if len(roles) >= 2 and any(r.field in (ID, NAME) for r in roles.values())}


def _codes_beside_ids(by_stem: dict[str, dict[str, Role]], top: str | None) -> None:
    """A sku word names a thing's id only alone. Beside the thing's id (``product_sku`` by
    ``product_id``) it is the entry's code; standing alone for its stem beside the record's
    one priced id (``item_sku``, ``variant_sku`` by ``product_id``), that thing's code."""
    for stem, roles in list(by_stem.items()):
        for name, role in list(roles.items()):
            code = _code_field(name) if role.field == ID else None
            if code is None:
                continue
            if any(r.field == ID and _code_field(n) is None for n, r in roles.items()):
                roles[name] = Role(stem, code)
            elif top is not None and top != stem and len(roles) == 1:
                del by_stem[stem]
                by_stem.setdefault(top, {})[name] = Role(top, code)


def fields_stem(parent: str, keys: Iterable[str]) -> str:
    """Whose bare ``id``/``name``/``type`` an object's are: the one stem its named fields
    share (``reward_items`` of ``item_id`` + ``item_type`` → item), else the object's."""
    stems = {role.stem for key in keys if (role := catalogue_role(key)) is not None}
    return stems.pop() if len(stems) == 1 else object_stem(parent)


def priced_stems() -> tuple[str, ...]:
    """The stems a record pays for, best first (``product``, ``commodity``, ``item`` …)."""
    return tuple(catalogue_data()["priced_stems"])


def is_quantity(name: str, stem: str | None) -> bool:
    """Whether number property ``name`` counts the things of ``stem`` a record holds: a bare
    ``quantity``/``qty``, or the stem and a count word (``commodity_amount`` beside
    ``commodity_id``). The caller rules out money amounts (``product_amount`` may be one)."""
    words = catalogue_data()["quantity_words"]
    norm = normalize(leaf(name))
    if norm in words["bare"] or norm.rsplit("_", 1)[-1] in ("quantity", "qty"):
        return True
    head, _, last = norm.rpartition("_")
    return stem is not None and bool(head) and singular(head) == stem and \
        last in words["after_stem"]
