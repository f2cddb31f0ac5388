"""Properties that report the device: os, country, language, currency, carrier …

The device (:class:`~demogen.simulation._context.DeviceProfile`) is fixed per user, so
these values are too; the compile step also marks them per-user (``_scopes``), so these samplers
run once per user, not per event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from demogen.analysis.heuristic.values import identity
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import Writer, with_source
from demogen.simulation.values._convert import MISS, coerce_enum, converter, loose, loose_lookup
from demogen.simulation.values._draw import Sampler, mix64, salt
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

Getter = Callable[[UserContext], Iterable[Any]]

#: Device attributes read straight from the ``#`` presets.
_PRESET_KEYS = {
    "os_version": "#os_version", "device_type": "#device_type", "device_model": "#device_model",
    "manufacturer": "#manufacturer", "carrier": "#carrier", "app_version": "#app_version",
    "device_id": "#device_id", "screen_width": "#screen_width",
    "screen_height": "#screen_height", "browser": "#browser",
    "browser_version": "#browser_version",
}


def device_getter(attr: str | None) -> Getter | None:
    """Candidates (most specific first) of a device attribute, for enum matching."""
    if attr in _PRESET_KEYS:
        key = _PRESET_KEYS[attr]
        if attr == "device_type":  # context.device.type: ios/android, or Phone/Tablet
            return lambda u: tuple(x for x in (u.device.presets.get(key),
                                               u.device.presets.get("#os")) if x is not None)
        return lambda u: (u.device.presets[key],) if key in u.device.presets else ()
    getters: dict[str, Getter] = {
        "os": lambda u: (u.device.presets.get("#os", ""),
                         "web" if "#browser" in u.device.presets else "app"),
        "country": lambda u: (u.device.country,),
        "language": lambda u: (u.device.language, f"{u.device.language}-{u.device.country}"),
        "locale": lambda u: (f"{u.device.language}-{u.device.country}", u.device.language),
        "currency": lambda u: (u.device.currency,),
        "ip": lambda u: (u.device.ip,),
        "zone_offset": lambda u: (u.device.zone_offset,),
        "distinct_id": lambda u: (u.device.distinct_id,),
    }
    return getters.get(attr) if attr else None


def device_sampler(tables: Tables, prop: Property, attr: str, fallback: Sampler) -> Sampler:
    """The device's value in the property's type or enum; ``fallback`` when it has none."""
    if attr == identity.ACCOUNT:
        return account_sampler(prop, fallback)
    if attr == identity.STORE:
        return store_sampler(tables, prop, fallback)
    getter = device_getter(attr)
    if getter is None:
        return fallback
    enum = coerce_enum(prop) if prop.enum else None
    if enum:
        return _enum_device(tables, prop, attr, getter, enum)
    if attr == "app_version":  # until the engine sets #app_version: one per user
        pool = tables.pools.built("version")
        key = salt(tables.seed, "app-version")  # every app-version property agrees
        fallback = lambda u, v, t: pool[mix64(u.index ^ key) % len(pool)]  # noqa: E731
    convert = converter(prop.type)

    def direct(u: UserContext, v: dict[str, Any], t: str) -> Any:
        for candidate in getter(u):
            x = convert(candidate)
            if x is not MISS:
                return x
        return fallback(u, v, t)

    preset = _PRESET_KEYS.get(attr)
    if preset is None or attr == "device_type" or prop.type != PropertyType.STRING:
        return direct

    def source(w: Writer, out: str) -> list[str]:
        # A short string preset (``#app_version`` …) is its own value; anything else
        # (missing, a number, a very long text): the closure.
        return [f"{out} = u.device.presets.get({w.ref(preset)})",
                f"if {out}.__class__ is not str or len({out}) > 512:",
                f"    {out} = {w.ref(direct)}(u, v, t)"]

    return with_source(direct, source)


def _enum_device(tables: Tables, prop: Property, attr: str, getter: Getter,
                 enum: list[Any]) -> Sampler:
    # A currency property takes the device currency when its enum has it, else its first
    # value (so amounts still agree with it). Other devices get one enum value for good
    # (a Thai device in a KR/JP/US plan reports the same country on every event).
    find = loose_lookup({loose(e): e for e in enum})
    key = salt(tables.seed, "device-miss", prop.name)
    currency = attr == "currency"
    # a currency outside the enum pays in US dollars when the enum has them
    first, count = ("USD" if currency and "USD" in enum else enum[0]), len(enum)
    # A language the plan does not offer: the app falls back to English (else its first).
    fallback_language = next((e for e in enum if loose(e)[:2] == "en"), first) \
        if attr in ("language", "locale") else None

    def mapped(u: UserContext, v: dict[str, Any], t: str) -> Any:
        for candidate in getter(u):
            hit = find(candidate)
            if hit is not None:
                return hit
        if fallback_language is not None:
            return fallback_language
        return first if currency else enum[mix64(u.index ^ key) % count]

    return mapped


def account_sampler(prop: Property, fallback: Sampler) -> Sampler:
    """The user's ``#account_id`` in the property's type; ``MISS`` (left out) before the
    user has one, so the property never shows an id the record's ``#account_id`` lacks.
    An id the type cannot hold (``demo1_48…`` in a number) gives ``fallback``'s value."""
    convert = converter(prop.type)

    def account(u: UserContext, v: dict[str, Any], t: str) -> Any:
        if u.account_id is None:
            return MISS
        x = convert(u.account_id)
        return fallback(u, v, t) if x is MISS else x

    return account


def store_sampler(tables: Tables, prop: Property, fallback: Sampler) -> Sampler:
    """An app store the device's OS installs from: the enum's stores of that OS (another
    OS's store never shows: ``google_play`` on an iPhone); without an enum, ``fallback``
    drawn again (a few times) while it names the other OS's store."""
    listed = coerce_enum(prop) if prop.enum else [str(e).strip() for e in prop.examples]
    if not identity.mostly_stores(listed):   # a channel's examples: sources, some stores
        listed = []
    by_os: dict[str, list[Any]] = {}
    for value in listed:
        os_ = identity.store_os(value)
        if os_ is not None:
            by_os.setdefault(os_, []).append(value)
    key = salt(tables.seed, "store", prop.name)

    def store(u: UserContext, v: dict[str, Any], t: str) -> Any:
        os_ = device_os(u)
        stores = by_os.get(os_) if os_ is not None else None
        if stores:      # the first listed is the main store; later ones get fewer users
            pick = mix64(u.index ^ key) % (2 * len(stores))
            return stores[pick if pick < len(stores) else 0]
        x = fallback(u, v, t)
        for _ in range(8):
            if os_ is None or identity.store_os(x) in (None, os_):
                return x
            x = fallback(u, v, t)
        return x if identity.store_os(x) in (None, os_) else _MAIN_STORE[os_]

    return store


#: What a store property without a list says for the OS's own store.
_MAIN_STORE = {"ios": "app_store", "android": "google_play"}


def device_os(u: UserContext) -> str | None:
    """``"ios"`` or ``"android"`` for a phone (or mini program on one), else None."""
    os_name = str(u.device.presets.get("#os", "")).lower()
    return os_name if os_name in ("ios", "android") else None


def previous_os_version(u: UserContext, v: dict[str, Any], t: str) -> str:
    """One version below the device's (``os_update``'s ``previous_os_version``)."""
    parts = [p for p in str(u.device.presets.get("#os_version", "")).split(".") if p.isdigit()]
    if not parts:
        return "13"
    major = int(parts[0])
    if len(parts) == 1:
        return str(max(major - 1, 1))
    minor = int(parts[1])
    return f"{major}.{minor - 1}" if minor > 0 else f"{max(major - 1, 1)}.7"
