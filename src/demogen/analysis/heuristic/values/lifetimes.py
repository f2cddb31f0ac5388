"""How long a property's value lives: one event, one session, or the user's whole life.

Decided once per property at compile time from its name, type and scope:

- **session**: ids and counters of the session (``ga_session_id``, ``session_number``,
  ``is_first_session``): the same value on every event of one session.
- **user**: what describes the user, the device or the account (server, channel, install
  source, language, country, platform, user type, character class, guild …) and most
  ``common`` properties: drawn once per user, then reused.
- **event**: the rest (amounts, ids of the thing acted on, results, reasons, positions,
  scores, durations, times): drawn for every event.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values import kinds, names, priors
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, Scope

SESSION_ID, SESSION_NUMBER, SESSION_FIRST = "id", "number", "first"

_DATA = load("values")["lifetimes"]  # heuristic_values.yaml

_SESSION = re.compile(_DATA["session"])
#: Names (after ``tmp_``/``cur_``… are taken off) of values that describe the user, the
#: device or the account.
_USER_NAMES = frozenset(name for group in _DATA["user_names"].values() for name in group)
#: Words that make a (common) property about the event, whatever else its name says.
_EVENT_WORDS = re.compile(_DATA["event_words"])
#: Events that authenticate: their ``method``/``type`` is the user's way in, every time.
_AUTH_EVENT = re.compile(_DATA["auth_events"])
_AUTH_FIELDS = frozenset(_DATA["auth_fields"])
_CURRENT_PREFIXES = tuple(_DATA["current_prefixes"])
_NOT_THE_THING = re.compile(_DATA["not_the_thing"])
_HAPPENED_KINDS = frozenset(_DATA["happened_kinds"])


def session_role(name: str) -> str | None:
    """``id``, ``number`` or ``first`` for a property identifying or counting the session."""
    m = _SESSION.match(names.normalize(names.leaf(name)))
    if m is None:
        return None
    return next(role for role in (SESSION_FIRST, SESSION_ID, SESSION_NUMBER) if m.group(role))


def current_stem(name: str) -> str | None:
    """``cur_stage_id`` → ``stage_id``: what a "where the user is now" name shows."""
    norm = names.normalize(name)
    for prefix in _CURRENT_PREFIXES:
        if norm.startswith(prefix) and len(norm) > len(prefix):
            return norm[len(prefix):]
    return None


def per_user(prop: Property, event: str | None, *, common: bool) -> bool:
    """Whether the value describes the user (drawn once per user) rather than the event.
    ``common``: the property is sent with every event."""
    norm = names.normalize(prop.name)
    attr = names.device_attribute(prop.name)
    if attr is not None:  # the device's, except the app version, which rolls out over time
        return attr != "app_version"
    stem = current_stem(prop.name) or norm
    if norm in _USER_NAMES or stem in _USER_NAMES:
        return True
    if event is not None and _AUTH_EVENT.search(names.normalize(event)) and \
            names.leaf(norm) in _AUTH_FIELDS:
        return True
    if _EVENT_WORDS.search(stem) or prop.type == PropertyType.TIME:
        return False
    if common or prop.scope == Scope.COMMON:
        return prop.type != PropertyType.BOOLEAN
    return current_stem(prop.name) is not None


def key_rank(prop: Property, industry: str) -> int | None:
    """How well a property shared by two events identifies the thing they are about:
    0 for a unique id (``transaction_id``), 1 for other ids (``stage_id``), 2 for names
    of levels and stages (``level_name``); None when it does not identify anything."""
    if prop.type not in (PropertyType.STRING, PropertyType.NUMBER):
        return None
    spec = names.id_spec(prop.name, industry=industry)
    if spec is not None:
        return 0 if spec.mode == "unique" else 1
    if kinds.string_kind(names.leaf(prop.name)) == "level_name":
        return 2
    return None


def describes_the_thing(prop: Property) -> bool:
    """Whether a property shared by paired events describes the thing they are about
    (``chapter``, ``difficulty``, ``price``) rather than what happened (a reason, a
    result, a time, a before/after value)."""
    if kinds.time_kind(prop.name) == kinds.STAY:
        return True     # the booking's check-in date: its payment and check-in show it
    if prop.type == PropertyType.TIME:
        return False
    norm = names.normalize(names.leaf(prop.name))
    if _NOT_THE_THING.search(norm):
        return False
    if prop.type == PropertyType.NUMBER:
        return priors.number_prior(norm).kind not in _HAPPENED_KINDS
    return kinds.string_kind(norm) not in _HAPPENED_KINDS
