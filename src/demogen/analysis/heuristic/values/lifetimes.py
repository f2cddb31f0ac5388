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

from demogen.analysis.heuristic.values import kinds, names, priors
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, Scope

SESSION_ID, SESSION_NUMBER, SESSION_FIRST = "id", "number", "first"

_SESSION = re.compile(
    r"^(?:ga_|ta_|app_|game_|sdk_)?(?:(?P<first>is_first_session|first_session)|"
    r"session_?(?P<id>id|uuid|guid|key|token)|"
    r"session_?(?P<number>number|num|no|count|cnt|index|idx|seq|sequence|order))$"
)

#: Names (after ``tmp_``/``cur_``… are taken off) of values that describe the user, the
#: device or the account.
_USER_NAMES = frozenset({
    # where the account lives
    "server", "server_id", "server_name", "server_no", "server_code", "realm", "realm_id",
    "shard", "shard_id", "world_id", "zone_id",
    # how the user came
    "channel", "sub_channel", "install_channel", "acquisition_channel", "download_channel",
    "distribution_channel", "register_channel", "signup_channel", "source_channel",
    "channel_name", "install_source", "install_store", "app_store", "media_source",
    "af_media_source", "attribution", "install_referrer", "campaign", "campaign_id",
    "campaign_name", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    # where the user is and what they run
    "language", "lang", "locale", "system_language", "device_language", "user_language",
    "app_language", "game_language", "region", "region_id", "region_code", "country",
    "country_code", "country_id", "nation", "province", "city", "timezone", "time_zone",
    "platform", "os", "os_name", "os_type", "device", "device_type", "device_model",
    "device_brand", "device_name", "manufacturer", "carrier",
    # the account
    "user_type", "account_type", "member_type", "player_type", "customer_type", "user_group",
    "user_segment", "login_type", "login_method", "signup_method", "sign_up_method",
    "register_method", "register_type", "auth_type", "auth_method", "account_source",
    "login_channel", "account", "account_id", "uid", "user_id", "player_id", "open_id",
    "member_id", "customer_id", "advertising_id", "idfa", "gaid", "adid", "idfv", "android_id",
    # the player's character and guild
    "character", "character_id", "character_name", "character_class", "char_class", "class",
    "class_name", "job", "job_class", "role", "role_id", "role_name", "role_class", "race",
    "faction", "camp", "guild", "guild_id", "guild_name", "clan", "clan_id", "clan_name",
    "alliance", "alliance_id", "alliance_name",
    # the person
    "gender", "sex", "age", "age_group", "age_range", "birth_year", "nickname", "nick_name",
    "user_name", "username", "display_name", "player_name",
})
#: Words that make a (common) property about the event, whatever else its name says.
_EVENT_WORDS = re.compile(
    r"(^|_)(amount|amt|price|value|revenue|cost|count|cnt|num|qty|quantity|score|result|"
    r"reason|status|position|pos|index|idx|duration|time|date|timestamp|ts|elapsed|success|"
    r"fail|error|change|delta|diff|gain|reward|before|after|prev|previous|last|page|screen|"
    r"url|path|title|referrer|query|keyword|network|session)(_|$)"
)
#: Events that authenticate: their ``method``/``type`` is the user's way in, every time.
_AUTH_EVENT = re.compile(r"log_?in|sign_?(up|in)|register|auth|bind|link_account")
_CURRENT_PREFIXES = ("tmp_", "temp_", "cur_", "current_", "now_", "my_")


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
            names.leaf(norm) in ("method", "type", "channel", "provider", "platform"):
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
    if prop.type == PropertyType.TIME:
        return False
    norm = names.normalize(names.leaf(prop.name))
    if re.search(r"(^|_)(before|after|prev|previous|change|delta|diff)(_|$)", norm):
        return False
    if prop.type == PropertyType.NUMBER:
        return priors.number_prior(norm).kind not in ("duration", "duration_ms", "minutes",
                                                      "hours", "epoch", "epoch_ms")
    return kinds.string_kind(norm) not in ("reason", "result", "message", "review")
