"""Record checks: thinkingdata-format.md §14, property types across records, time window.

:func:`check_record` looks at one record alone; :class:`TypeTracker` follows each property's
type across records (TE locks a property's type on the first value it sees, §6);
:func:`check_time_window` compares ``#time`` with "now" (no future, at most ~3 years back, §4).
Messages say what is wrong and where inside the record; callers add file and line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from demogen.vocab import HEADER_KEYS, NAME_PATTERN, PRESET_PROPERTIES, PropertyType, RecordType

__all__ = [
    "LIMITS",
    "TypeTracker",
    "check_record",
    "check_time_window",
    "parse_time",
    "property_type",
]

#: Limits of §6/§14.8, in one place.
LIMITS: dict[str, float] = {
    "id_chars": 64,
    "string_bytes": 2048,
    "list_items": 500,
    "object_keys": 100,
    "object_group_rows": 500,
    "abs_number": 1e13,
    "crash_reason_bytes": 16 * 1024,
    "past_days": 3 * 365,
}

_TRACK_TYPES = frozenset({RecordType.TRACK, RecordType.TRACK_UPDATE, RecordType.TRACK_OVERWRITE})
_USER_VALUE_TYPES = frozenset(
    {RecordType.USER_SET, RecordType.USER_SET_ONCE, RecordType.USER_ADD,
     RecordType.USER_APPEND, RecordType.USER_UNIQ_APPEND}
)
_TYPE_VALUES = frozenset(t.value for t in RecordType)
_ALL_TYPES = ", ".join(t.value for t in RecordType)
_NAME = re.compile(NAME_PATTERN)
_TIME = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})")
#: Time-typed property values: the ``#time`` layout, milliseconds optional (§4).
_TIME_VALUE = re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?")
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_IPV4 = re.compile(r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}")

# Types of preset properties where §12 states one (S string, N number, B boolean, T time).
_PRESET_TYPES: dict[str, PropertyType] = {
    **dict.fromkeys(
        ("#screen_width", "#screen_height", "#zone_offset", "#fps", "#duration",
         "#background_duration"),
        PropertyType.NUMBER,
    ),
    **dict.fromkeys(("#simulator", "#resume_from_background"), PropertyType.BOOLEAN),
    "#install_time": PropertyType.TIME,
    **dict.fromkeys(
        ("#ip", "#country", "#country_code", "#province", "#city", "#lib", "#lib_version",
         "#os", "#os_version", "#device_id", "#device_model", "#manufacturer", "#device_type",
         "#app_version", "#bundle_id", "#network_type", "#carrier", "#system_language", "#ram",
         "#disk", "#browser", "#browser_version", "#ua", "#utm", "#url", "#url_path",
         "#referrer", "#referrer_host", "#title", "#start_reason", "#screen_name",
         "#element_id", "#element_type", "#element_content", "#element_selector",
         "#app_crashed_reason"),
        PropertyType.STRING,
    ),
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def parse_time(text: str, *, millis_optional: bool = False) -> datetime | None:
    """``yyyy-MM-dd HH:mm:ss.SSS`` → naive datetime; ``None`` if the layout or date is wrong."""
    match = (_TIME_VALUE if millis_optional else _TIME).fullmatch(text)
    if match is None:
        return None
    y, mo, d, h, mi, s, ms = match.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), int(ms or 0) * 1000)
    except ValueError:
        return None


def property_type(value: Any) -> PropertyType | None:
    """TE type of a JSON value; ``None`` for null, an empty list (list or object group?) and
    anything that is not JSON. A string in the time layout is a time."""
    if isinstance(value, bool):
        return PropertyType.BOOLEAN
    if isinstance(value, int | float):
        return PropertyType.NUMBER
    if isinstance(value, str):
        return PropertyType.TIME if _TIME_VALUE.fullmatch(value) else PropertyType.STRING
    if isinstance(value, list):
        if not value:
            return None
        return (PropertyType.OBJECT_GROUP if all(isinstance(v, dict) for v in value)
                else PropertyType.LIST)
    if isinstance(value, dict):
        return PropertyType.OBJECT
    return None


# --------------------------------------------------------------------------------------------
# check_record


def check_record(record: Any) -> list[str]:
    """Every §14 problem of one record, as messages; an empty list means the record is fine.

    Checks: only header keys at the top level; ``#type`` one of the ten values; ``#time`` in
    ``yyyy-MM-dd HH:mm:ss.SSS`` and a real date; at least one of ``#distinct_id`` /
    ``#account_id`` (non-empty strings, ≤ 64 characters); ``#event_name`` on ``track*`` only,
    matching the name rule; ``#event_id`` exactly on ``track_update``/``track_overwrite``;
    ``#first_check_id`` on ``track`` only; ``#uuid`` a canonical lower-case v4 UUID; ``#ip``
    an IP address; ``properties`` an object whose names match the name rule or are known
    presets (no header keys, no two names equal but for case); ``#zone_offset`` a number of
    hours on ``track*`` only; values of TE types (no null): strings ≤ 2 KB (time-looking
    strings must be real times), lists ≤ 500 string elements, objects ≤ 100 sub-properties
    of scalar or list type, object groups ≤ 500 objects, numbers finite within ±1e13;
    known presets of their stated type; ``user_add`` values numbers, ``user_append`` /
    ``user_uniq_append`` values arrays, ``user_unset`` values ``0``, ``user_del`` empty.
    """
    if not isinstance(record, dict):
        return [f"the record is a JSON {_json_type(record)}, not an object"]
    problems: list[str] = []
    add = problems.append

    for key in record:
        if key not in HEADER_KEYS:
            if key in PRESET_PROPERTIES or not key.startswith("#"):
                add(f"top-level key {key!r} is not a header key; move it inside 'properties'")
            else:
                add(f"top-level key {key!r} is not a header key (allowed: "
                    f"{', '.join(sorted(HEADER_KEYS))})")

    rtype = record.get("#type")
    is_track = rtype in _TRACK_TYPES
    if rtype is None:
        add("'#type' is missing")
    elif not isinstance(rtype, str) or rtype not in _TYPE_VALUES:
        hint = "; the wire value is 'user_setOnce'" if rtype == "user_set_once" else ""
        add(f"'#type' {rtype!r} is not one of {_ALL_TYPES}{hint}")
        rtype = None

    _check_time_header(record, add)
    _check_ids(record, add)
    _check_event_keys(record, rtype, is_track, add)
    _check_optional_headers(record, add)

    props = record.get("properties")
    if props is None:
        add("'properties' is missing (send {} when there is nothing to say)")
    elif not isinstance(props, dict):
        add(f"'properties' is a JSON {_json_type(props)}, not an object")
    else:
        _check_properties(props, rtype, is_track, add)
    return problems


def _check_time_header(record: dict, add) -> None:
    value = record.get("#time")
    if value is None:
        add("'#time' is missing")
    elif not isinstance(value, str):
        add(f"'#time' is a JSON {_json_type(value)}; it must be a string "
            "'yyyy-MM-dd HH:mm:ss.SSS'")
    elif not _TIME.fullmatch(value):
        add(f"'#time' {value!r} is not in the layout 'yyyy-MM-dd HH:mm:ss.SSS' "
            "(space separator, 3 millisecond digits, no zone)")
    elif parse_time(value) is None:
        add(f"'#time' {value!r} is not a real date and time")


def _check_ids(record: dict, add) -> None:
    if "#distinct_id" not in record and "#account_id" not in record:
        add("neither '#distinct_id' nor '#account_id' is present; every record needs one")
        return
    for key in ("#distinct_id", "#account_id"):
        if key not in record:
            continue
        value = record[key]
        if not isinstance(value, str):
            add(f"'{key}' is a JSON {_json_type(value)}; ids must be strings")
        elif not value:
            add(f"'{key}' is an empty string; leave it out or give an id")
        elif len(value) > LIMITS["id_chars"]:
            add(f"'{key}' has {len(value)} characters; keep ids to "
                f"{int(LIMITS['id_chars'])}")


def _check_event_keys(record: dict, rtype: str | None, is_track: bool, add) -> None:
    name = record.get("#event_name")
    if rtype is None:
        pass
    elif is_track:
        if name is None:
            add(f"'#event_name' is missing; {rtype} records need one")
        elif not isinstance(name, str):
            add(f"'#event_name' is a JSON {_json_type(name)}, not a string")
        elif not _NAME.fullmatch(name):
            add(f"'#event_name' {name!r} does not match {NAME_PATTERN} (a letter first, then "
                "letters, digits or '_', at most 50 characters)")
    elif "#event_name" in record:
        add(f"'#event_name' is set on a {rtype} record; only track* records carry it")

    event_id = record.get("#event_id")
    needs_id = rtype in (RecordType.TRACK_UPDATE, RecordType.TRACK_OVERWRITE)
    if needs_id and event_id is None:
        add(f"'#event_id' is missing; {rtype} records need one")
    elif "#event_id" in record and rtype is not None and not needs_id:
        add(f"'#event_id' is set on a {rtype} record; only track_update/track_overwrite "
            "use it (create updatable events as track_update, never as track)")
    if event_id is not None and not (isinstance(event_id, str) and event_id):
        add(f"'#event_id' must be a non-empty string, got {event_id!r}")

    if "#first_check_id" in record:
        value = record["#first_check_id"]
        if rtype is not None and rtype != RecordType.TRACK:
            add(f"'#first_check_id' is set on a {rtype} record; only track records use it")
        if not (isinstance(value, str) and value):
            add(f"'#first_check_id' must be a non-empty string, got {value!r}")


def _check_optional_headers(record: dict, add) -> None:
    if "#uuid" in record:
        value = record["#uuid"]
        if not isinstance(value, str) or not _UUID4.fullmatch(value):
            add(f"'#uuid' {value!r} is not a canonical lower-case UUID v4 "
                "(8-4-4-4-12 hex digits, version 4)")
    if "#ip" in record:
        value = record["#ip"]
        if not isinstance(value, str) or not (_IPV4.fullmatch(value) or _is_ipv6(value)):
            add(f"'#ip' {value!r} is not an IP address")
    if "#app_id" in record:
        value = record["#app_id"]
        if not (isinstance(value, str) and value):
            add(f"'#app_id' must be a non-empty string, got {value!r}")


def _is_ipv6(value: str) -> bool:
    if ":" not in value:
        return False
    import ipaddress

    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _check_properties(props: dict, rtype: str | None, is_track: bool, add) -> None:
    lowered: dict[str, str] = {}
    for name, value in props.items():
        where = f"properties[{name!r}]"
        if name in HEADER_KEYS:
            add(f"{where}: header key inside 'properties'; move it to the top level")
            continue
        if name.startswith("#"):
            if name not in PRESET_PROPERTIES:
                add(f"{where}: {name!r} is not a known preset property; TE drops unknown "
                    "'#' names (custom names never start with '#')")
                continue
        elif not _NAME.fullmatch(name):
            add(f"{where}: the name does not match {NAME_PATTERN} (a letter first, then "
                "letters, digits or '_', at most 50 characters)")
        low = name.lower()
        if low in lowered:
            add(f"{where}: differs from {lowered[low]!r} only in case; TE names are "
                "case-insensitive")
        else:
            lowered[low] = name

        if rtype == RecordType.USER_UNSET:
            if value != 0 or isinstance(value, bool):
                add(f"{where}: user_unset sends 0 for each property to clear, got {value!r}")
            continue
        _check_value(where, value, add, name=name)
        if name == "#zone_offset":
            if rtype is not None and not is_track:
                add(f"{where}: '#zone_offset' belongs on track* records only, not {rtype}")
            elif isinstance(value, int | float) and not isinstance(value, bool) and (
                not -12 <= value <= 14
            ):
                add(f"{where}: {value} hours is not a time-zone offset (-12 to 14)")
        expected = _PRESET_TYPES.get(name)
        if expected is not None and value is not None:
            actual = property_type(value)
            if actual is not expected and not (
                expected is PropertyType.STRING and actual is PropertyType.TIME
            ):
                add(f"{where}: preset {name!r} is a {expected.value}, got a JSON "
                    f"{_json_type(value)} {value!r:.60}")
        if rtype == RecordType.USER_ADD and not name.startswith("#") and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            add(f"{where}: user_add values must be numbers, got a JSON {_json_type(value)}")
        if rtype in (RecordType.USER_APPEND, RecordType.USER_UNIQ_APPEND) and not isinstance(
            value, list
        ):
            add(f"{where}: {rtype} values must be arrays, got a JSON {_json_type(value)}")

    if rtype == RecordType.USER_DEL and props:
        add("'properties' of a user_del record must be empty ({})")


def _check_value(where: str, value: Any, add, *, name: str = "", depth: int = 0) -> None:
    """Check one property value; ``depth`` 1 is a sub-property of an object."""
    if value is None:
        add(f"{where}: null is not a TE value; leave the property out instead")
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int | float):
        _check_number(where, value, add)
    elif isinstance(value, str):
        limit = LIMITS["crash_reason_bytes"] if name == "#app_crashed_reason" else (
            LIMITS["string_bytes"])
        _check_string(where, value, add, limit=int(limit))
    elif isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            if depth:
                add(f"{where}: an object group inside an object is not supported")
                return
            if len(value) > LIMITS["object_group_rows"]:
                add(f"{where}: object group has {len(value)} objects; the limit is "
                    f"{int(LIMITS['object_group_rows'])}")
            for i, row in enumerate(value):
                _check_object(f"{where}[{i}]", row, add)
        else:
            if len(value) > LIMITS["list_items"]:
                add(f"{where}: list has {len(value)} elements; the limit is "
                    f"{int(LIMITS['list_items'])}")
            for i, item in enumerate(value):
                if isinstance(item, str):
                    _check_string(f"{where}[{i}]", item, add, limit=int(LIMITS["string_bytes"]))
                elif isinstance(item, dict):
                    add(f"{where}[{i}]: an object inside a list of scalars; an object group "
                        "holds objects only")
                else:
                    add(f"{where}[{i}]: list element is a JSON {_json_type(item)} "
                        f"({item!r:.40}); TE stores list elements as strings, send strings")
    elif isinstance(value, dict):
        if depth:
            add(f"{where}: an object inside an object is not supported")
            return
        _check_object(where, value, add)
    else:
        add(f"{where}: {type(value).__name__} is not a JSON value")


def _check_object(where: str, value: Any, add) -> None:
    if not isinstance(value, dict):
        add(f"{where}: expected an object, got a JSON {_json_type(value)}")
        return
    if len(value) > LIMITS["object_keys"]:
        add(f"{where}: object has {len(value)} sub-properties; the limit is "
            f"{int(LIMITS['object_keys'])}")
    for key, sub in value.items():
        sub_where = f"{where}[{key!r}]"
        if not _NAME.fullmatch(key):
            add(f"{sub_where}: the sub-property name does not match {NAME_PATTERN}")
        _check_value(sub_where, sub, add, depth=1)


def _check_number(where: str, value: float, add) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        add(f"{where}: {value} is not a finite number")
    elif abs(value) > LIMITS["abs_number"]:
        add(f"{where}: {value} is outside ±1e13 (the SDK checks); keep numbers smaller")


def _check_string(where: str, value: str, add, *, limit: int) -> None:
    if len(value) * 4 > limit and len(value.encode()) > limit:
        add(f"{where}: string has {len(value.encode())} bytes; the limit is {limit}")
    if (
        len(value) >= 19
        and value[4:5] == "-"
        and _TIME_VALUE.fullmatch(value)
        and parse_time(value, millis_optional=True) is None
    ):
        add(f"{where}: {value!r} has the time layout but is not a real date and time")


# --------------------------------------------------------------------------------------------
# TypeTracker

_SCOPE_EVENT = "event"
_SCOPE_USER = "user"


class TypeTracker:
    """Follows the TE type of every property name across records and reports changes.

    Event properties share one namespace across all events (§6, D-META); user properties
    have their own. A time is a string in the time layout. Sub-properties of objects and
    object groups are followed as ``parent.child``. ``user_unset`` and ``user_del`` carry no
    values and are skipped. Each change (and each case-only name clash) is reported once.

    Usage::

        tracker = TypeTracker()
        for file, line, record in iter_records(out_dir):
            problems += tracker.observe(record, where=f"{file}:{line}")
    """

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], tuple[PropertyType, str]] = {}
        self._spelling: dict[tuple[str, str], str] = {}
        self._reported: set[tuple[str, str, str]] = set()

    def types(self, scope: str = _SCOPE_EVENT) -> dict[str, PropertyType]:
        """The type each name was first seen with, for ``"event"`` or ``"user"``."""
        return {name: t for (s, name), (t, _) in sorted(self._first.items()) if s == scope}

    def observe(self, record: Mapping[str, Any], where: str = "") -> list[str]:
        rtype = record.get("#type") if isinstance(record, Mapping) else None
        if rtype in _TRACK_TYPES:
            scope = _SCOPE_EVENT
        elif rtype in _USER_VALUE_TYPES:
            scope = _SCOPE_USER
        else:
            return []
        props = record.get("properties")
        if not isinstance(props, dict):
            return []
        problems: list[str] = []
        for name, value in props.items():
            self._see(scope, name, value, where, problems)
            if isinstance(value, dict):
                for sub, sub_value in value.items():
                    self._see(scope, f"{name}.{sub}", sub_value, where, problems)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for row in value:
                    for sub, sub_value in row.items():
                        self._see(scope, f"{name}.{sub}", sub_value, where, problems)
        return problems

    def _see(self, scope: str, name: str, value: Any, where: str, problems: list[str]) -> None:
        kind = property_type(value)
        if kind is None:
            return
        key = (scope, name)
        first = self._first.get(key)
        if first is None:
            self._first[key] = (kind, where)
            low = (scope, name.lower())
            spelled = self._spelling.setdefault(low, name)
            if spelled != name and (scope, name, spelled) not in self._reported:
                self._reported.add((scope, name, spelled))
                problems.append(
                    f"{scope} property {name!r} differs from {spelled!r} only in case; TE "
                    "names are case-insensitive, so they are one property"
                )
            return
        if first[0] is not kind and (scope, name, kind.value) not in self._reported:
            self._reported.add((scope, name, kind.value))
            seen = f" at {first[1]}" if first[1] else ""
            problems.append(
                f"{scope} property {name!r} changes type: first a {first[0].value}{seen}, now "
                f"a {kind.value} ({value!r:.40}); TE keeps the first type and drops the rest"
            )


# --------------------------------------------------------------------------------------------
# time window


def _as_utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def time_window_problem(
    record: Mapping[str, Any],
    now_utc: datetime,
    *,
    max_past_days: float = LIMITS["past_days"],
    default_zone_offset: float | None = None,
) -> str | None:
    """The time-window problem of one record, if any (see :func:`check_time_window`)."""
    text = record.get("#time")
    local = parse_time(text) if isinstance(text, str) else None
    if local is None:
        return None  # check_record reports it
    props = record.get("properties")
    zone = props.get("#zone_offset") if isinstance(props, dict) else None
    if isinstance(zone, bool) or not isinstance(zone, int | float):
        zone = default_zone_offset
    naive_now = now_utc.replace(tzinfo=None)
    if zone is None:
        # Unknown zone: future only if it is future in every zone (UTC-12 … UTC+14).
        earliest, latest = local - timedelta(hours=14), local + timedelta(hours=12)
        zone_text = "unknown zone"
    else:
        earliest = latest = local - timedelta(hours=zone)
        zone_text = f"UTC{zone:+g}"
    if earliest > naive_now:
        ahead = earliest - naive_now
        return (f"'#time' {text} ({zone_text}) is {_span(ahead)} in the future "
                f"(now {naive_now:%Y-%m-%d %H:%M} UTC); never write future times")
    if naive_now - latest > timedelta(days=max_past_days):
        return (f"'#time' {text} ({zone_text}) is {(naive_now - latest).days} days in the "
                f"past; keep data within {max_past_days:g} days (~3 years)")
    return None


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def check_time_window(
    records: Iterable[Mapping[str, Any] | tuple[str, int, Mapping[str, Any]]],
    now: datetime,
    *,
    max_past_days: float = LIMITS["past_days"],
    default_zone_offset: float | None = None,
) -> list[str]:
    """``#time`` is not in the future and not more than ~3 years back (§4, §14.5).

    ``#time`` is local time; with ``#zone_offset`` (hours) the instant is exact, otherwise
    ``default_zone_offset`` is used, and if that is ``None`` too a record counts as future
    only if it is future in every time zone. ``now`` may be naive (taken as UTC) or aware.
    ``records`` are plain records (reported as "record N", 1-based) or ``(file, line, record)``
    tuples as :func:`~demogen.validate.iter_records` yields them.
    """
    now_utc = _as_utc(now)
    problems: list[str] = []
    for index, item in enumerate(records, start=1):
        if isinstance(item, tuple):
            file, line, record = item
            where = f"{file}:{line}"
        else:
            record, where = item, f"record {index}"
        if not isinstance(record, Mapping):
            continue
        problem = time_window_problem(
            record, now_utc, max_past_days=max_past_days, default_zone_offset=default_zone_offset
        )
        if problem:
            problems.append(f"{where}: {problem}")
    return problems
