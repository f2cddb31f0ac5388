"""Which properties hold the user's identity and the device's store.

- The account-id property (``account_id``, ``account``, ``member_id`` …): the plan's
  best-ranked account-like id holds the run's ``#account_id`` (``device: account_id``);
- store properties (``install_store``, or a ``channel`` whose enum lists app stores):
  agree with ``#os`` (``device: store``).

Word lists live in ``data/heuristic_market.yaml``; the simulation (values) and validate's
market checker read values with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values import names
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType

__all__ = ["ACCOUNT", "STORE", "account_properties", "account_rank", "is_store", "mostly_stores",
           "someone_elses_id", "store_os"]

#: Kinds naming the user (one value per user, shown alike by every property of the kind).
NAME_KINDS = frozenset({"nickname", "username"})
#: The ``device:`` fields of Rules.properties this module decides.
ACCOUNT = "account_id"
STORE = "store"

_DATA = load("market")
ACCOUNT_STEMS: tuple[str, ...] = tuple(_DATA["account_stems"])
_BARE = tuple(_DATA["account_bare"])
_STORE_NAMES = re.compile(_DATA["store_names"])
_INSTALL_CHANNELS = re.compile(_DATA["install_channel_names"])
_ENUM_MIN = int(_DATA["store_enum_min"])
_STORES = {os_: (tuple(spec["words"]), frozenset(spec["exact"]))
           for os_, spec in _DATA["stores"].items()}


def account_rank(name: str) -> int | None:
    """Where ``name`` stands among account ids (``account_id`` first, ``role_id`` last), or
    None when it names something else."""
    norm = names.normalize(names.leaf(name))
    if someone_elses_id(name):   # target_role_id, friend_user_id: never the user's own
        return None
    if norm in _BARE:                       # bare names that are ids themselves
        return ACCOUNT_STEMS.index(norm)
    spec = names.id_spec(norm)
    if spec is None or spec.mode != "stable":
        return None
    last = spec.stem.rsplit("_", 1)[-1]
    if last in ACCOUNT_STEMS:
        return ACCOUNT_STEMS.index(last)
    # A game's character: often what the game logs in with, so the last resort.
    return len(ACCOUNT_STEMS) if last == "role" else None


def someone_elses_id(name: str) -> bool:
    """An id naming another person (``target_role_id``, ``opponent_uid``, ``friend_user_id``:
    a word of heuristic_values.yaml ``ids.other_person``): never the user's own account."""
    norm = names.normalize(names.leaf(name))
    return (names.id_spec(norm) is not None or norm.endswith(_BARE)) \
        and any(w in norm for w in names.OTHER_PERSON_WORDS)


def account_properties(taxonomy: EventTaxonomy) -> frozenset[str]:
    """The names of the plan's account-id property: the best-ranked account-like string or
    number id (user, common and event properties alike share the name)."""
    ranked = [(rank, prop.name)
              for prop in (*taxonomy.user_properties, *taxonomy.common_properties,
                           *taxonomy.properties)
              if not prop.is_preset and prop.type in (PropertyType.STRING, PropertyType.NUMBER)
              and (rank := account_rank(prop.name)) is not None]
    if not ranked:
        return frozenset()
    best = min(rank for rank, _ in ranked)
    return frozenset(name for rank, name in ranked if rank == best)


def store_os(value: object) -> str | None:
    """``"android"`` or ``"ios"`` for a value naming an app store of that OS, else None
    (``"구글 플레이 스토어"`` → android, ``"App Store"`` → ios, ``"facebook_ads"`` → None)."""
    norm = re.sub(r"[\s\-.]+", "_", str(value).strip().lower())
    for os_, (words, exact) in _STORES.items():
        if norm in exact or any(w in norm for w in words):
            return os_
    return None


def is_store(prop: Property, kind: str | None = None) -> bool:
    """A property saying which store installed the app: by name, an enum of stores, or an
    install channel with no list (its values may name a store: that one must fit the OS)."""
    if prop.is_preset or prop.type != PropertyType.STRING:
        return False
    norm = names.normalize(names.leaf(prop.name))
    if _STORE_NAMES.search(norm):
        return True
    if not prop.enum:
        return kind == "channel" and bool(_INSTALL_CHANNELS.search(norm))
    return mostly_stores(prop.enum)


def mostly_stores(values: Iterable[object]) -> bool:
    """Values that are mostly app stores, of both OSes (an enum of stores)."""
    found = [store_os(v) for v in values]
    stores = [f for f in found if f is not None]
    return len(stores) >= _ENUM_MIN and len(set(stores)) == 2 and 2 * len(stores) >= len(found)
