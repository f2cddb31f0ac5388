"""What a property's name says about what it identifies: the user state it mirrors, the
device attribute it reports, the kind of id it is.

Every function here runs while a :class:`~demogen.simulation.values.ValueFactory` is
built, never per event. Names are normalised first (``context.groupId`` →
``context_group_id``, ``nickName`` → ``nick_name``) and matched against ordered rules
(``data/heuristic_values.yaml``): the first rule that matches wins, so specific rules come
before general ones. String, boolean and time kinds are in ``kinds``, number kinds in
``priors``, per-user and per-session lifetimes in ``lifetimes``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values._patterns import first_match, ordered

_DATA = load("values")  # heuristic_values.yaml
#: Words whose singular is the word (heuristic_values.yaml ``same_plural``).
_SAME_PLURAL = frozenset(_DATA["same_plural"])

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=8192)  # compile time calls it for every rule of every name
def normalize(name: str) -> str:
    """``context.groupId`` → ``context_group_id``; ``Total-Spent`` → ``total_spent``."""
    snake = _CAMEL.sub("_", name.strip().lstrip("#"))
    return _NON_WORD.sub("_", snake.lower()).strip("_")


def leaf(name: str) -> str:
    """The last part of a dotted name: ``rewards_info.quantity`` → ``quantity``."""
    return name.rsplit(".", 1)[-1]


def singular(word: str) -> str:
    """A rough English singular, good enough for id prefixes (``rewards`` → ``reward``;
    ``series``, ``status`` and ``bonus`` stay as they are)."""
    if word in _SAME_PLURAL or word.endswith(("us", "is", "ss")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# -- state mirrors -------------------------------------------------------------------------

_MIRROR_PREFIXES = tuple(_DATA["mirrors"]["prefixes"])
_MIRROR_SUFFIXES = tuple(_DATA["mirrors"]["suffixes"])
_MIRROR_ALIASES: dict[str, str] = dict(_DATA["mirrors"]["aliases"])


def mirror_key(name: str) -> str:
    """A canonical key under which an event property and a user property are "the same".

    ``player_level``, ``current_player_level``, ``tmp_level`` and ``level`` all give
    ``level``; ``current_gold_balance`` and ``tmp_gold`` give ``gold``. Words that mean
    a *different* moment (``previous_``, ``before_``) are kept, so ``level_before`` does
    not mirror ``level``.
    """
    key = normalize(name)
    changed = True
    while changed:
        changed = False
        for prefix in _MIRROR_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix):]
                changed = True
        for suffix in _MIRROR_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return _MIRROR_ALIASES.get(key, key)


# -- device-derived properties -------------------------------------------------------------

#: (pattern on the normalised name, device attribute). The attribute names are read by
#: ``_device.device_getter``.
_DEVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = ordered(_DATA["device"]["names"])
#: Every attribute :func:`device_attribute` can answer, and the two the plan as a whole
#: decides (``identity.py``: the account-id property, an app-store property).
DEVICE_ATTRIBUTES = frozenset(attr for _, attr in _DEVICE_RULES) | {"account_id", "store"}
_NOT_DEVICE_WORDS = frozenset(_DATA["device"]["not_words"])
_NOT_DEVICE_PREFIXES = tuple(_DATA["device"]["not_prefixes"])


@functools.lru_cache(maxsize=8192)
def device_attribute(name: str) -> str | None:
    """The device attribute a property reports (``context.os.name`` → ``os``), if any."""
    norm = normalize(name)
    # whole words: a vehicle's model is no phone's, a carrier stays one (not "car")
    if not _NOT_DEVICE_WORDS.isdisjoint(norm.split("_")) or \
            norm.startswith(_NOT_DEVICE_PREFIXES):
        return None
    return first_match(_DEVICE_RULES, norm)


# -- ids -----------------------------------------------------------------------------------

_IDS = _DATA["ids"]
#: Words of somebody else's things (a friend's id, an opponent's name).
OTHER_PERSON_WORDS = tuple(_IDS["other_person"])
#: String names of the account itself.
ACCOUNT_NAMES = frozenset(_IDS["account_names"])
_ID_SUFFIX = re.compile(_IDS["suffix"])
_AD_PREFIXES = tuple(_IDS["ad_prefixes"])
_STEM_NOISE = tuple(_IDS["noise_prefixes"])
_SKU = frozenset(_IDS["sku"])
#: Ids of the user's own things: the same value every time for one user.
_USER_STABLE = frozenset(_IDS["stable"])
#: Ids that are new for every event (a transaction, a request, a battle).
_UNIQUE = frozenset(_IDS["unique"])
#: Ids of a few things a user owns and reuses (their projects, carts, wishlists).
_USER_SCOPED = frozenset(_IDS["scoped"])
#: Last words of one-off runs outside gaming (a task, a job).
_UNIQUE_OUTSIDE_GAMING = frozenset(_IDS["unique_outside_gaming"])


@dataclass(frozen=True, slots=True)
class IdSpec:
    """How an id-like property is filled."""

    stem: str   # "item" for item_id
    mode: str   # "stable" | "unique" | "scoped" | "catalogue"


def id_spec(name: str, *, parent: str | None = None, industry: str = "") -> IdSpec | None:
    """The id shape of ``name``, or None if the name is not id-like."""
    norm = normalize(leaf(name))
    if norm in _SKU:
        return IdSpec(stem="sku", mode="catalogue")
    m = _ID_SUFFIX.search(norm)
    if not m and not norm.startswith(_AD_PREFIXES):
        return None
    stem = norm[: m.start()] if m else norm
    stem = stem.strip("_")
    for noise in _STEM_NOISE:
        if stem.startswith(noise):
            stem = stem[len(noise):]
    if not stem:  # a bare "id": name it after the parent ("rewards_info.id" -> "reward")
        stem = singular(normalize(leaf(parent)).split("_")[0]) if parent else "id"
    last = stem.rsplit("_", 1)[-1]
    gaming = "gam" in industry
    if stem in _USER_STABLE or last in _USER_STABLE or norm.startswith(_AD_PREFIXES):
        mode = "stable"
    elif stem in _UNIQUE or last in _UNIQUE:
        mode = "unique"
    elif stem in _USER_SCOPED or last in _USER_SCOPED:
        mode = "scoped"
    elif last in _UNIQUE_OUTSIDE_GAMING and not gaming:
        mode = "unique"
    else:
        mode = "catalogue"
    return IdSpec(stem=stem, mode=mode)
