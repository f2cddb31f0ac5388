"""What a property's name says about what it identifies: the user state it mirrors, the
device attribute it reports, the kind of id it is.

Every function here runs while a :class:`~demogen.simulation.values.ValueFactory` is
built, never per event. Names are normalised first (``context.groupId`` →
``context_group_id``, ``nickName`` → ``nick_name``) and matched against ordered rules:
the first rule that matches wins, so specific rules come before general ones. String,
boolean and time kinds are in ``_kinds``, number priors in ``_priors``, per-user and
per-session scopes in ``_scopes``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

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
    """A rough English singular, good enough for id prefixes (``rewards`` → ``reward``)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


# -- state mirrors -------------------------------------------------------------------------

_MIRROR_PREFIXES = ("tmp_", "temp_", "cur_", "current_", "now_", "my_", "player_", "user_",
                    "character_", "char_", "role_", "account_", "after_", "new_", "latest_")
_MIRROR_SUFFIXES = ("_balance", "_now", "_current", "_after", "_total_now")
_MIRROR_ALIASES = {"lv": "level", "lvl": "level", "exp": "xp", "gems": "gem", "coins": "coin",
                   "diamonds": "diamond", "nickname": "nick_name", "nick": "nick_name"}


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
_DEVICE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), attr) for p, attr in (
        (r"(^|_)os_version$|(^|_)system_version$", "os_version"),
        # "platform" alone or the device's: an ad_platform or a payment_platform is not
        (r"(^|_)(os|os_name|device_os|operating_system|device_platform|os_type)$|"
         r"^(context_)?(platform|client_platform|app_platform|sdk_platform)$", "os"),
        (r"(^|_)device_type$", "device_type"),
        (r"(^|_)(device_model|model|device_name|phone_model)$", "device_model"),
        (r"(^|_)(manufacturer|device_brand|device_manufacturer)$", "manufacturer"),
        (r"(^|_)(carrier|telecom|mobile_operator|operator|isp)$", "carrier"),
        (r"(^|_)(country|country_code|nation|region_code|country_iso)$", "country"),
        (r"(^|_)(locale|device_locale|user_locale)$", "locale"),
        (r"(^|_)(language|lang|system_language|device_language|user_language)$", "language"),
        (r"(^|_)(currency|currency_code|currency_type|currency_local|local_currency|"
         r"currency_id_local|iso_currency)$", "currency"),
        (r"^(app_version|client_version|version|app_ver|application_version|build_version|"
         r"context_app_version|game_version|sdk_app_version)$", "app_version"),
        (r"(^|_)(ip|ip_address|client_ip|ipv4)$", "ip"),
        (r"(^|_)(zone_offset|timezone|time_zone|tz|utc_offset)$", "zone_offset"),
        (r"(^|_)(device_id|idfv|android_id|device_uuid)$", "device_id"),
        (r"(^|_)distinct_id$", "distinct_id"),
        (r"(^|_)screen_width$", "screen_width"),
        (r"(^|_)screen_height$", "screen_height"),
        (r"(^|_)(browser|browser_name)$", "browser"),
        (r"(^|_)browser_version$", "browser_version"),
    )
)


@functools.lru_cache(maxsize=8192)
def device_attribute(name: str) -> str | None:
    """The device attribute a property reports (``context.os.name`` → ``os``), if any."""
    norm = normalize(name)
    if "virtual" in norm or norm.startswith(("previous_", "prev_", "old_", "before_")):
        return None
    for pattern, attr in _DEVICE_RULES:
        if pattern.search(norm):
            return attr
    return None


# -- ids -----------------------------------------------------------------------------------

_ID_SUFFIX = re.compile(r"(^|_)(id|ids|uuid|guid|no|sn|code_id)$|_(id|ids)_")
_SKU = frozenset({"sku", "item_sku", "product_sku", "sku_code", "barcode", "ean", "upc"})

#: Ids of the user's own things: the same value every time for one user.
_USER_STABLE = frozenset({
    "account", "user", "uid", "player", "member", "customer", "open", "union", "role",
    "character", "char", "avatar", "profile", "guild", "clan", "group", "team", "alliance",
    "server", "realm", "workspace", "org", "organization", "company", "tenant", "family",
    "advertising", "idfa", "gaid", "adid", "install", "advertising_vendor", "client",
    "subscriber", "subscription", "home", "channel_user", "context_group",
})
#: Ids that are new for every event (a transaction, a request, a battle).
_UNIQUE = frozenset({
    "transaction", "order", "payment", "invoice", "receipt", "request", "trace", "event",
    "log", "message", "msg", "battle", "combat", "match", "game", "round", "session",
    "checkout", "review", "share", "application", "transportation", "tracking", "shipment",
    "ticket", "call", "chat", "report", "export", "upload", "download", "purchase",
    "refund", "store_transaction", "transaction_id_store", "ad_request", "impression",
    "click", "run", "attempt", "draw", "gacha_result", "mail", "email_message",
})
#: Ids of a few things a user owns and reuses (their projects, carts, wishlists).
_USER_SCOPED = frozenset({
    "project", "board", "wishlist", "cart", "address", "deck", "pet", "party", "formation",
    "folder", "document", "list_user", "playlist", "card_payment",
})


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
    if not m and not norm.startswith(("idfa", "gaid", "adid")):
        return None
    stem = norm[: m.start()] if m else norm
    stem = stem.strip("_")
    for noise in ("tmp_", "current_", "cur_", "my_", "target_", "the_"):
        if stem.startswith(noise):
            stem = stem[len(noise):]
    if not stem:  # a bare "id": name it after the parent ("rewards_info.id" -> "reward")
        stem = singular(normalize(leaf(parent)).split("_")[0]) if parent else "id"
    last = stem.rsplit("_", 1)[-1]
    gaming = "gam" in industry
    if stem in _USER_STABLE or last in _USER_STABLE or norm.startswith(("idfa", "gaid", "adid")):
        mode = "stable"
    elif stem in _UNIQUE or last in _UNIQUE:
        mode = "unique"
    elif stem in _USER_SCOPED or last in _USER_SCOPED:
        mode = "scoped"
    elif last in ("task", "job", "step_run") and not gaming:
        mode = "unique"
    else:
        mode = "catalogue"
    return IdSpec(stem=stem, mode=mode)
