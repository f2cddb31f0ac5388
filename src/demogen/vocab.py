"""One vocabulary: ThinkingData keys, record types, segments, lifecycle stages.

Everything that would otherwise be a bare string repeated across stages lives here.
"""

from __future__ import annotations

import re
from enum import StrEnum


class RecordType(StrEnum):
    """``#type`` values (thinkingdata-format.md §2). Note the camel case of ``user_setOnce``."""

    TRACK = "track"
    TRACK_UPDATE = "track_update"
    TRACK_OVERWRITE = "track_overwrite"
    USER_SET = "user_set"
    USER_SET_ONCE = "user_setOnce"
    USER_ADD = "user_add"
    USER_UNSET = "user_unset"
    USER_APPEND = "user_append"
    USER_UNIQ_APPEND = "user_uniq_append"
    USER_DEL = "user_del"


class Key(StrEnum):
    """Header keys of a ThinkingData record (format doc §1)."""

    TYPE = "#type"
    TIME = "#time"
    DISTINCT_ID = "#distinct_id"
    ACCOUNT_ID = "#account_id"
    EVENT_NAME = "#event_name"
    EVENT_ID = "#event_id"
    FIRST_CHECK_ID = "#first_check_id"
    UUID = "#uuid"
    IP = "#ip"
    APP_ID = "#app_id"
    PROPERTIES = "properties"


#: Keys allowed at the top level of a record; everything else goes inside ``properties``.
HEADER_KEYS: frozenset[str] = frozenset(k.value for k in Key)

#: Preset ``#`` properties that may appear inside ``properties`` (format doc §12).
PRESET_PROPERTIES: frozenset[str] = frozenset(
    {
        "#ip", "#country", "#country_code", "#province", "#city",
        "#lib", "#lib_version", "#os", "#os_version", "#device_id", "#device_model",
        "#manufacturer", "#device_type", "#screen_width", "#screen_height",
        "#app_version", "#bundle_id", "#network_type", "#carrier", "#system_language",
        "#zone_offset", "#install_time", "#simulator", "#ram", "#disk", "#fps",
        "#browser", "#browser_version", "#ua", "#utm", "#url", "#url_path", "#referrer",
        "#referrer_host", "#title", "#scene", "#mp_platform", "#share_depth", "#duration",
        "#resume_from_background", "#start_reason", "#background_duration", "#screen_name",
        "#element_id", "#element_type", "#element_content", "#element_position",
        "#element_selector", "#app_crashed_reason", "#relaunched_in_background",
        "#account_id", "#distinct_id", "#event_name", "#time", "#uuid", "#type",
    }
)

#: ThinkingData's naming rule for custom event and property names (format doc §5).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,49}$"

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def thinkingdata_name(name: str) -> str:
    """The snake_case name written for a plan name ThinkingData rejects (before making it
    unique): ``Order Completed`` → ``order_completed``; ``context.groupId`` →
    ``context_group_id``; ``9lives`` → ``p_9lives``."""
    words = _NOT_WORD.sub("_", _CAMEL.sub("_", name)).strip("_").lower()
    if not words or not words[0].isalpha():
        words = f"p_{words}"
    return words[:50]


class PropertyType(StrEnum):
    """ThinkingData's property types (format doc §6)."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    TIME = "time"
    LIST = "list"
    OBJECT = "object"
    OBJECT_GROUP = "object_group"

    @classmethod
    def of_json(cls, value: object) -> PropertyType:
        """The type a JSON value read from a sample or an example reads as (strings and
        nulls as strings: a sample says nothing more about them)."""
        if isinstance(value, bool):
            return cls.BOOLEAN
        if isinstance(value, int | float):
            return cls.NUMBER
        if isinstance(value, list):
            return cls.LIST
        if isinstance(value, dict):
            return cls.OBJECT
        return cls.STRING


class Scope(StrEnum):
    """Where a property travels: one event's, every event's, or the user's."""

    EVENT = "event"
    COMMON = "common"
    USER = "user"


class UpdateMethod(StrEnum):
    """How a user property is written (the ``업데이트 방식`` column)."""

    USER_SET = "user_set"
    USER_SET_ONCE = "user_setOnce"
    USER_ADD = "user_add"
    USER_APPEND = "user_append"
    USER_UNIQ_APPEND = "user_uniq_append"


class UpdateType(StrEnum):
    """Operations of an update pattern (rules ``update_patterns``)."""

    INCREMENT = "increment"
    DECREMENT = "decrement"
    SET = "set"
    SET_ONCE = "set_once"
    APPEND = "append"


class Segment(StrEnum):
    """The seed's user segments, used as keys of ``segment_analysis``."""

    NEW_USER = "NEW_USER"
    ACTIVE_USER = "ACTIVE_USER"
    POWER_USER = "POWER_USER"
    CHURNING_USER = "CHURNING_USER"
    CHURNED_USER = "CHURNED_USER"
    RETURNING_USER = "RETURNING_USER"


class LifecycleStage(StrEnum):
    """The seed's lifecycle stages, in the order a user moves through them."""

    INSTALLED = "installed"
    FIRST_SESSION = "first_session"
    REGISTERED = "registered"
    ONBOARDING_STARTED = "onboarding_started"
    ONBOARDING_COMPLETED = "onboarding_completed"
    ACTIVE = "active"
    ADVANCED = "advanced"
