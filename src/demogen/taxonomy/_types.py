"""Type words, scope words and update methods as taxonomy files write them.

Files say ``Object Group``, ``array(object)``, ``List``, ``datetime`` or ``int``; the rest of
demogen only sees :class:`PropertyType`, :class:`Scope` and :class:`UpdateMethod`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import TypeVar

from demogen.taxonomy._words import load_data, normalize
from demogen.vocab import PropertyType, Scope, UpdateMethod

__all__ = ["TYPE_WORDS", "describes_user", "parse_scope", "parse_type", "parse_update_method",
           "scope_block"]

_FILE = "taxonomy_words.yaml"

#: How messages name the accepted type words.
TYPE_WORDS = "string, number, boolean, time, list, object, object group"

_E = TypeVar("_E", bound=StrEnum)


@cache
def _index(section: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for value, words in load_data(_FILE)[section].items():
        for word in words:
            index.setdefault(normalize(word), value)
    return index


def _lookup(section: str, word: str, enum: type[_E]) -> _E | None:
    value = _index(section).get(normalize(word))
    return enum(value) if value is not None else None


def parse_type(word: str) -> PropertyType | None:
    """``"Object Group"`` → ``OBJECT_GROUP``; None for a word no table knows."""
    return _lookup("types", word, PropertyType)


def parse_scope(word: str) -> Scope | None:
    return _lookup("scopes", word, Scope)


def scope_block(name: str) -> Scope | None:
    """The scope a one-table plan's block named "User Properties" or "Super Properties" holds;
    None for an event's name."""
    return _lookup("scope_blocks", name, Scope) if name else None


def parse_update_method(word: str) -> UpdateMethod | None:
    """``user_set_once`` and ``user_setOnce`` both → ``USER_SET_ONCE``."""
    return _lookup("update_methods", word, UpdateMethod)


@cache
def _user_openings() -> tuple[str, ...]:
    return tuple(word.casefold() for word in load_data(_FILE)["user_descriptions"])


def describes_user(text: str) -> bool:
    """Whether a property's description calls it the user's ("유저 레벨", "User level",
    "用户等级"): how the seed's layout, which has no scope column, marks user properties."""
    start = text.strip().casefold()
    return any(start.startswith(word) and start != word.strip() for word in _user_openings())
