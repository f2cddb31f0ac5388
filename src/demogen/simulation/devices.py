"""Devices and app versions: the preset (``#``) properties of a simulated user.

A :class:`DeviceFactory` is built once per shard from ``data/devices.yaml`` and
``data/locale/countries.yaml``. :meth:`DeviceFactory.new_device` draws one device in a
chain, so that presets agree with each other (STYLE.md §14, PostHog's
``matrix/randomization.py``)::

    country ─► zone offset, system language, carrier, IP, currency, Faker locale
       └─► OS (iOS share of the country) ─► manufacturer/model ─► OS version ─► screen

An iPhone is therefore always made by Apple and runs an iOS version it supports; a
Samsung Galaxy always runs Android; a web visitor has a browser and a desktop screen but
no carrier; every IP lies in a public block of the device's country.

:class:`AppVersionRollout` models ``#app_version`` over the window: versions are
released on given days and each user adopts each one after a log-logistic delay, so the
version a user reports changes during the window and never goes backwards.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import ipaddress
import math
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

from demogen.errors import ConfigError
from demogen.simulation._context import DeviceProfile

if TYPE_CHECKING:
    from demogen.simulation.ids import RunIds

__all__ = [
    "PLATFORMS",
    "AppVersionRollout",
    "CountryInfo",
    "DeviceFactory",
    "Release",
    "UserRollout",
    "load_countries",
    "normalize_platform",
]

#: Platforms a product can have (``ProductInfo.platform``) and the aliases accepted.
PLATFORMS: dict[str, str] = {
    "mobile_app": "mobile_app", "mobile": "mobile_app", "app": "mobile_app",
    "cross_platform": "mobile_app", "android": "android", "ios": "ios",
    "web": "web", "website": "web", "h5": "web", "browser": "web",
    "pc": "pc", "desktop": "pc", "windows": "pc", "steam": "pc",
    "mini_program": "mini_program", "mini_game": "mini_program", "miniprogram": "mini_program",
    "wechat": "mini_program",
}


def normalize_platform(platform: str) -> str:
    """The canonical platform for ``platform`` (``"Mobile App"`` → ``"mobile_app"``)."""
    key = platform.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return PLATFORMS[key]
    except KeyError:
        choices = ", ".join(sorted(set(PLATFORMS.values())))
        raise ConfigError(
            f"unknown platform '{platform}'; use one of {choices}"
        ) from None


# -- data files ---------------------------------------------------------------------------


def _read_yaml(*parts: str) -> Any:
    node = resources.files("demogen").joinpath("data", *parts)
    return yaml.safe_load(node.read_text(encoding="utf-8"))


class _Table:
    """A weighted choice, precomputed: one ``random()`` and a bisect per draw."""

    __slots__ = ("_cum", "_total", "values")

    def __init__(self, pairs: Iterable[tuple[Any, float]]):
        values: list[Any] = []
        cum: list[float] = []
        total = 0.0
        for value, weight in pairs:
            if weight <= 0:
                continue
            total += float(weight)
            values.append(value)
            cum.append(total)
        if not values:
            raise ValueError("a weighted table needs at least one positive weight")
        self.values = tuple(values)
        self._cum = tuple(cum)
        self._total = total

    def pick(self, rnd: random.Random) -> Any:
        return self.values[bisect.bisect_right(self._cum, rnd.random() * self._total)]

    def share(self, value: Any) -> float:
        """The probability of ``value`` (for tests and summaries)."""
        prev = 0.0
        for v, c in zip(self.values, self._cum, strict=True):
            if v == value:
                return (c - prev) / self._total
            prev = c
        return 0.0


def _pairs(node: Any) -> list[tuple[Any, float]]:
    """``{a: 3, b: 1}`` or ``[[a, 3], [b, 1]]`` as ``[(a, 3.0), (b, 1.0)]``."""
    if isinstance(node, Mapping):
        return [(k, float(v)) for k, v in node.items()]
    return [(_freeze(item[0]), float(item[1])) for item in node]


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True, slots=True)
class CountryInfo:
    """What ``countries.yaml`` says about one country, compiled for drawing."""

    code: str
    weight: float
    zones: _Table
    languages: _Table
    currency: str
    faker_locale: str
    ios_share: float
    android_brands: _Table
    samsung_suffix: str
    carriers: _Table
    network: _Table
    ip_blocks: tuple[tuple[int, int], ...]  # (first address, number of /24 blocks)

    def draw_ip(self, rnd: random.Random) -> str:
        base, blocks = self.ip_blocks[int(rnd.random() * len(self.ip_blocks))]
        # Whole /24s, then a host in 1..254: never a network or broadcast-looking address.
        address = base + (int(rnd.random() * blocks) << 8) + 1 + int(rnd.random() * 254)
        return str(ipaddress.IPv4Address(address))


@functools.cache
def load_countries() -> dict[str, CountryInfo]:
    """Every country in ``data/locale/countries.yaml``, keyed by ISO code (cached)."""
    raw = _read_yaml("locale", "countries.yaml")["countries"]
    out: dict[str, CountryInfo] = {}
    for code, c in raw.items():
        blocks = []
        for prefix in c["ip_prefixes"]:
            net = ipaddress.IPv4Network(prefix)
            if not net.is_global or net.prefixlen > 24:
                raise ConfigError(f"countries.yaml: {code} prefix {prefix} is not a public block")
            blocks.append((int(net.network_address), net.num_addresses >> 8))
        out[code.upper()] = CountryInfo(
            code=code.upper(),
            weight=float(c["weight"]),
            zones=_Table(_pairs(c["zones"])),
            languages=_Table(_pairs(c["languages"])),
            currency=c["currency"],
            faker_locale=c["faker_locale"],
            ios_share=float(c["ios_share"]),
            android_brands=_Table(_pairs(c["android_brands"])),
            samsung_suffix=str(c.get("samsung_suffix", "B")),
            carriers=_Table((str(k), w) for k, w in _pairs(c["carriers"])),
            network=_Table((str(k), w) for k, w in _pairs(c["network"])),
            ip_blocks=tuple(blocks),
        )
    return out


@functools.cache
def _device_data() -> dict[str, Any]:
    return _read_yaml("devices.yaml")


# -- models ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Model:
    manufacturer: str
    model: str
    screen: tuple[int, int]
    device_type: str
    versions: _Table  # OS versions this model runs, weighted by their share


def _version_table(versions: Mapping[str, float], lo: int, hi: int) -> _Table:
    fitting = [(v, w) for v, w in versions.items() if lo <= int(str(v).split(".")[0]) <= hi]
    if not fitting:  # a model newer or older than every listed version: its own newest
        fitting = [(str(hi), 1.0)]
    return _Table(fitting)


def _models(entries: Sequence[Mapping[str, Any]], manufacturer: str,
            versions: Mapping[str, float]) -> list[tuple[_Model, float]]:
    out = []
    for e in entries:
        lo, hi = e["os_major"]
        out.append((
            _Model(
                manufacturer=manufacturer,
                model=e["model"],
                screen=(int(e["screen"][0]), int(e["screen"][1])),
                device_type=e.get("type", "Phone"),
                versions=_version_table(versions, int(lo), int(hi)),
            ),
            float(e.get("weight", 1)),
        ))
    return out


def _with_tablet_share(pairs: list[tuple[_Model, float]],
                       share: float) -> list[tuple[_Model, float]]:
    """Rescale weights so that tablets make up ``share`` of the draws."""
    phones = sum(w for m, w in pairs if m.device_type != "Tablet")
    tablets = sum(w for m, w in pairs if m.device_type == "Tablet")
    if not tablets or not phones:
        return pairs
    scale_tablet = share / tablets
    scale_phone = (1.0 - share) / phones
    return [(m, w * (scale_tablet if m.device_type == "Tablet" else scale_phone)) for m, w in pairs]


# -- the factory ----------------------------------------------------------------------------


class DeviceFactory:
    """Draws consistent devices for one product platform; build once per shard.

    ``countries`` maps ISO codes to weights (``{"KR": 0.6, "JP": 0.4}``); a taxonomy's
    country enum can be passed as ``dict.fromkeys(enum, 1.0)``. Codes without data are
    left out (listed in :attr:`ignored_countries`); if none is usable the default mix of
    ``countries.yaml`` applies.

    >>> from demogen.simulation.ids import RunIds
    >>> factory = DeviceFactory("mobile_app", {"KR": 1.0})
    >>> device = factory.new_device(random.Random(7), user_index=7, ids=RunIds(seed=1))
    >>> device.country, device.presets["#os"] in {"Android", "iOS"}
    ('KR', True)
    """

    def __init__(self, platform: str = "mobile_app",
                 countries: Mapping[str, float] | None = None):
        self.platform = normalize_platform(platform)
        table = load_countries()
        chosen: list[tuple[CountryInfo, float]] = []
        ignored: list[str] = []
        if countries:
            for code, weight in countries.items():
                info = table.get(str(code).strip().upper())
                if info is None:
                    ignored.append(str(code))
                elif weight > 0:
                    chosen.append((info, float(weight)))
        if not chosen:
            chosen = [(info, info.weight) for info in table.values()]
        self.ignored_countries: tuple[str, ...] = tuple(ignored)
        self._countries = _Table(chosen)

        data = _device_data()
        self._lib = {
            key: (spec["name"], _Table(_pairs(spec["versions"])))
            for key, spec in data["lib"].items()
        }
        android = data["android"]
        a_versions = {str(k): float(v) for k, v in android["versions"].items()}
        self._android_by_brand: dict[str, list[tuple[_Model, float]]] = {
            brand: _models(entries, brand, a_versions)
            for brand, entries in android["brands"].items()
        }
        self._android_tablet_share = float(android.get("tablet_share", 0.03))
        self._android: dict[tuple[str, str], _Table] = {}  # (country, suffix) -> models
        ios = data["ios"]
        i_versions = {str(k): float(v) for k, v in ios["versions"].items()}
        self._ios_os = ios["os"]
        self._ios = _Table(_with_tablet_share(
            _models(ios["models"], ios["manufacturer"], i_versions),
            float(ios.get("tablet_share", 0.06)),
        ))
        web = data["web"]
        self._web_mobile_share = float(web["mobile_share"])
        self._web_desktop_os = _Table(_pairs(web["desktop_os"]))
        self._web_mobile_os = _Table(_pairs(web["mobile_os"]))
        self._browsers = {os_: _Table(_pairs(b)) for os_, b in web["browsers"].items()}
        self._browser_versions = {b: _Table(_pairs(v)) for b, v in web["browser_versions"].items()}
        self._desktop_screens = {k: _Table(_pairs(v)) for k, v in web["desktop_screens"].items()}
        self._mobile_screens = {k: _Table(_pairs(v)) for k, v in web["mobile_screens"].items()}
        pc = data["pc"]
        self._pc_os = _Table(_pairs(pc["os"]))
        self._pc_versions = {k: _Table(_pairs(v)) for k, v in pc["os_versions"].items()}
        self._pc_screens = {k: _Table(_pairs(v)) for k, v in pc["screens"].items()}
        for info, _ in chosen:
            self._android_table(info)

    # -- public -----------------------------------------------------------------------------

    @property
    def countries(self) -> tuple[str, ...]:
        """The ISO codes devices are drawn from."""
        return tuple(info.code for info in self._countries.values)

    def new_device(self, rnd: random.Random, user_index: int, ids: RunIds) -> DeviceProfile:
        """One device for user ``user_index``; every draw comes from ``rnd``.

        ``distinct_id`` comes from ``ids`` alone (seed, namespace, user index), so it is
        unique per user and stable even if the device data files change; ``#device_id``
        mixes its draw with the run's key for the user, so another product's user drawn
        from the same stream gets another device id.
        """
        salt = ids.device_salt(user_index)
        country: CountryInfo = self._countries.pick(rnd)
        zone = float(country.zones.pick(rnd))
        language = str(country.languages.pick(rnd))
        presets: dict[str, Any] = {}
        platform = self.platform
        if platform == "mobile_app":
            platform = "ios" if rnd.random() < country.ios_share else "android"
        if platform in ("android", "ios"):
            self._phone(rnd, country, platform, language, presets, salt, with_carrier=True)
        elif platform == "mini_program":
            os_kind = "ios" if rnd.random() < country.ios_share else "android"
            self._phone(rnd, country, os_kind, language, presets, salt, with_carrier=False)
            presets.pop("#device_type", None)
            self._set_lib(rnd, "mini_program", presets)
        elif platform == "web":
            self._web(rnd, country, language, presets, salt)
        else:
            self._pc(rnd, language, presets, salt)
        ip = country.draw_ip(rnd)
        return DeviceProfile(
            distinct_id=ids.distinct_id(user_index),
            country=country.code,
            zone_offset=zone,
            ip=ip,
            locale=country.faker_locale,
            language=language,
            currency=country.currency,
            presets=presets,
        )

    def network_type(self, rnd: random.Random, device: DeviceProfile) -> str | None:
        """A ``#network_type`` for one session of ``device``; None where the SDK sends none.

        Web and desktop SDKs do not report it; tablets (no SIM) are on Wi-Fi.
        """
        presets = device.presets
        if "#device_model" not in presets:
            return None
        if presets.get("#device_type") == "Tablet":
            return "WIFI"
        return load_countries()[device.country].network.pick(rnd)

    # -- chains -----------------------------------------------------------------------------

    def _android_table(self, country: CountryInfo) -> _Table:
        key = (country.code, country.samsung_suffix)
        table = self._android.get(key)
        if table is None:
            pairs: list[tuple[_Model, float]] = []
            for brand, brand_weight in zip(country.android_brands.values,
                                           _weights(country.android_brands), strict=True):
                models = self._android_by_brand.get(brand)
                if not models:
                    raise ConfigError(f"countries.yaml: {country.code} names unknown brand {brand}")
                total = sum(w for _, w in models)
                for model, w in models:
                    if "{samsung_suffix}" in model.model:
                        code = model.model.replace("{samsung_suffix}", country.samsung_suffix)
                        model = _Model(model.manufacturer, code, model.screen, model.device_type,
                                       model.versions)
                    pairs.append((model, brand_weight * w / total))
            table = _Table(_with_tablet_share(pairs, self._android_tablet_share))
            self._android[key] = table
        return table

    def _phone(self, rnd: random.Random, country: CountryInfo, os_kind: str, language: str,
               presets: dict[str, Any], salt: int, *, with_carrier: bool) -> None:
        model: _Model = (self._ios if os_kind == "ios" else self._android_table(country)).pick(rnd)
        presets["#os"] = self._ios_os if os_kind == "ios" else "Android"
        presets["#os_version"] = model.versions.pick(rnd)
        presets["#manufacturer"] = model.manufacturer
        presets["#device_model"] = model.model
        presets["#device_type"] = model.device_type
        presets["#screen_width"], presets["#screen_height"] = model.screen
        if with_carrier and model.device_type == "Phone":
            presets["#carrier"] = country.carriers.pick(rnd)
        presets["#system_language"] = language
        presets["#simulator"] = False
        self._set_lib(rnd, os_kind, presets)
        if os_kind == "ios":  # IDFV: an upper-case UUID
            presets["#device_id"] = str(uuid.UUID(int=rnd.getrandbits(128) ^ salt,
                                                  version=4)).upper()
        else:  # ANDROID_ID: 64 bits as 16 hex digits
            presets["#device_id"] = f"{rnd.getrandbits(64) ^ salt >> 64:016x}"

    def _web(self, rnd: random.Random, country: CountryInfo, language: str,
             presets: dict[str, Any], salt: int) -> None:
        mobile = rnd.random() < self._web_mobile_share
        os_name = (self._web_mobile_os if mobile else self._web_desktop_os).pick(rnd)
        browser = self._browsers[os_name].pick(rnd)
        screens = self._mobile_screens if mobile else self._desktop_screens
        presets["#os"] = os_name
        presets["#browser"] = browser
        presets["#browser_version"] = self._browser_versions[browser].pick(rnd)
        presets["#screen_width"], presets["#screen_height"] = screens[os_name].pick(rnd)
        presets["#system_language"] = f"{language}-{country.code}"  # navigator.language
        self._set_lib(rnd, "web", presets)
        presets["#device_id"] = str(uuid.UUID(int=rnd.getrandbits(128) ^ salt, version=4))

    def _pc(self, rnd: random.Random, language: str, presets: dict[str, Any],
            salt: int) -> None:
        os_name = self._pc_os.pick(rnd)
        presets["#os"] = os_name
        presets["#os_version"] = self._pc_versions[os_name].pick(rnd)
        presets["#screen_width"], presets["#screen_height"] = self._pc_screens[os_name].pick(rnd)
        presets["#system_language"] = language
        self._set_lib(rnd, "pc", presets)
        presets["#device_id"] = f"{rnd.getrandbits(128) ^ salt:032X}"

    def _set_lib(self, rnd: random.Random, key: str, presets: dict[str, Any]) -> None:
        name, versions = self._lib[key]
        presets["#lib"] = name
        presets["#lib_version"] = versions.pick(rnd)


def _weights(table: _Table) -> list[float]:
    prev = 0.0
    out = []
    for c in table._cum:
        out.append(c - prev)
        prev = c
    return out


# -- app versions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Release:
    """One app version, released ``day`` days after the window start (may be negative)."""

    version: str
    day: float


#: Per-user adoption delays (days after each release): AppVersionRollout.adoption_delays.
UserRollout = tuple[float, ...]


class AppVersionRollout:
    """``#app_version`` over time: releases, and per-user log-logistic adoption delays.

    Draw a user's delays once (:meth:`adoption_delays`), keep them with the user, and ask
    :meth:`version_at` per session; it needs no randomness, and the version it returns
    never goes backwards as ``day`` grows. A user who installs after a release starts on
    it (the store serves the newest version).

    >>> rollout = AppVersionRollout([("1.0.0", -30), ("1.1.0", 5)])
    >>> delays = rollout.adoption_delays(random.Random(1))
    >>> rollout.version_at(delays, day=0.0), rollout.version_at(delays, day=60.0)
    ('1.0.0', '1.1.0')
    """

    def __init__(self, releases: Iterable[Release | tuple[str, float]], *,
                 median_days: float = 3.0, shape: float = 1.6, user_correlation: float = 0.7):
        rel = sorted(
            (r if isinstance(r, Release) else Release(str(r[0]), float(r[1])) for r in releases),
            key=lambda r: r.day,
        )
        if not rel:
            raise ConfigError("an app-version rollout needs at least one release")
        if median_days <= 0 or shape <= 0:
            raise ConfigError("median_days and shape of the adoption delay must be positive")
        if not 0.0 <= user_correlation <= 1.0:
            raise ConfigError("user_correlation must be between 0 and 1")
        self.releases: tuple[Release, ...] = tuple(rel)
        self.median_days = float(median_days)
        self.shape = float(shape)
        self.user_correlation = float(user_correlation)

    @classmethod
    def default(cls, window_days: int) -> AppVersionRollout:
        """The rollout of ``devices.yaml``, continued every ``cadence_days`` past its list."""
        return cls.for_window(window_days)

    @classmethod
    def for_window(cls, window_days: int, *, seed: int | None = None) -> AppVersionRollout:
        """The rollout of ``devices.yaml`` for a window of ``window_days`` days.

        Releases past the listed ones follow every ``cadence_days``. With ``seed``, the
        release days inside the window move by up to ±2 days (a hash of the seed, no
        random state), so two projects do not release on the same days.
        """
        spec = _device_data()["app_versions"]
        releases = [Release(str(r["version"]), float(r["day"])) for r in spec["releases"]]
        cadence = float(spec["cadence_days"])
        last = max(releases, key=lambda r: r.day)
        major, minor = (int(p) for p in last.version.split(".")[:2])
        day = last.day + cadence
        while day < window_days:
            minor += 1
            releases.append(Release(f"{major}.{minor}.0", day))
            day += cadence
        if seed is not None:
            shift = int.from_bytes(hashlib.blake2b(f"rollout:{seed}".encode(),
                                                   digest_size=2).digest(), "big") % 5 - 2
            releases = [Release(r.version, r.day + shift) if r.day > 0 else r for r in releases]
        return cls(releases, median_days=float(spec["median_days"]), shape=float(spec["shape"]))

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(r.version for r in self.releases)

    def adoption_delays(self, rnd: random.Random) -> UserRollout:
        """This user's adoption delay (days) for every release, oldest release first.

        Delays are log-logistic with median ``median_days``; a per-user term shared by
        all releases makes late updaters late every time.
        """
        user = _logit(rnd.random())
        c = self.user_correlation
        scale = 1.0 / self.shape
        out = []
        for _ in self.releases:
            mixed = c * user + (1.0 - c) * _logit(rnd.random())
            # The mix is narrower than one logistic; widen it back so the median and
            # the spread match a log-logistic of this shape.
            mixed /= math.sqrt(c * c + (1.0 - c) * (1.0 - c))
            out.append(self.median_days * math.exp(scale * mixed))
        return tuple(out)

    def adoption_days(self, delays: UserRollout,
                      install_day: float | None = None) -> tuple[float, ...]:
        """The day this user moves to each release (the oldest release: always adopted)."""
        out = []
        for i, (release, delay) in enumerate(zip(self.releases, delays, strict=True)):
            day = -math.inf if i == 0 else release.day + delay
            if install_day is not None and install_day >= release.day:
                day = min(day, install_day)
            out.append(day)
        return tuple(out)

    def version_at(self, delays: UserRollout, day: float, install_day: float | None = None) -> str:
        """The version this user runs on ``day`` (days since the window start)."""
        releases = self.releases
        for i in range(len(releases) - 1, 0, -1):
            release = releases[i]
            if release.day > day:
                continue
            if release.day + delays[i] <= day or (
                install_day is not None and release.day <= install_day <= day
            ):
                return release.version
        return releases[0].version


def _logit(u: float) -> float:
    u = min(max(u, 1e-12), 1.0 - 1e-12)
    return math.log(u / (1.0 - u))
