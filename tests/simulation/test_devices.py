"""Devices: presets drawn in a chain agree with each other and with the country."""

from __future__ import annotations

import ipaddress
import itertools
import random
import statistics
import uuid
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demogen.errors import ConfigError
from demogen.simulation.devices import (
    AppVersionRollout,
    DeviceFactory,
    Release,
    load_countries,
    normalize_platform,
)
from demogen.simulation.ids import RunIds

COUNTRIES = load_countries()


def devices(platform: str, n: int = 1500, countries: dict[str, float] | None = None,
            seed: int = 11) -> list:
    factory = DeviceFactory(platform, countries)
    ids = RunIds(seed=seed)
    return [factory.new_device(random.Random(seed * 1_000_003 + i), i, ids) for i in range(n)]


@pytest.fixture(scope="module")
def mobile() -> list:
    return devices("mobile_app")


def test_apple_iphone_and_ios_go_together(mobile: list) -> None:
    for d in mobile:
        p = d.presets
        apple = p["#manufacturer"] == "Apple"
        assert apple == (p["#os"] == "iOS") == p["#device_model"].startswith(("iPhone", "iPad"))
        assert p["#lib"] == p["#os"]
        if apple:
            major = int(p["#os_version"].split(".")[0])
            assert 12 <= major <= 18
            assert p["#device_type"] == ("Tablet" if "iPad" in p["#device_model"] else "Phone")
            assert uuid.UUID(p["#device_id"]).version == 4  # IDFV
            assert p["#device_id"] == p["#device_id"].upper()
        else:
            assert p["#os_version"].isdigit() and 10 <= int(p["#os_version"]) <= 15
            assert len(p["#device_id"]) == 16 and int(p["#device_id"], 16) >= 0
        if p["#manufacturer"] == "samsung" and p["#device_model"].startswith("SM-S"):
            assert p["#device_model"][-1] == COUNTRIES[d.country].samsung_suffix
    oses = Counter(d.presets["#os"] for d in mobile)
    assert set(oses) == {"Android", "iOS"}
    assert 0.2 < oses["iOS"] / len(mobile) < 0.55


def test_galaxy_models_run_android(mobile: list) -> None:
    galaxies = [d for d in mobile if d.presets["#device_model"].startswith("SM-")]
    assert galaxies
    assert all(d.presets["#os"] == "Android" and d.presets["#manufacturer"] == "samsung"
               for d in galaxies)


def test_country_drives_carrier_zone_language_currency_locale_and_ip(mobile: list) -> None:
    for d in mobile:
        c = COUNTRIES[d.country]
        assert d.zone_offset in c.zones.values
        assert d.language in c.languages.values
        assert d.presets["#system_language"] == d.language
        assert d.currency == c.currency and d.locale == c.faker_locale
        if d.presets["#device_type"] == "Phone":
            assert d.presets["#carrier"] in c.carriers.values
        else:
            assert "#carrier" not in d.presets
        ip = ipaddress.ip_address(d.ip)
        assert ip.is_global and not ip.is_private
        assert any(base <= int(ip) < base + (blocks << 8) for base, blocks in c.ip_blocks)
        assert not d.ip.endswith((".0", ".255"))


def test_zone_offsets_of_known_countries() -> None:
    by_country: dict[str, set[float]] = {}
    for d in devices("mobile_app", 3000, {"KR": 1, "JP": 1, "US": 1}):
        by_country.setdefault(d.country, set()).add(d.zone_offset)
    assert by_country["KR"] == {9.0} and by_country["JP"] == {9.0}
    assert by_country["US"] <= {-5.0, -6.0, -7.0, -8.0} and len(by_country["US"]) >= 3


def test_every_prefix_in_the_data_is_public() -> None:
    for c in COUNTRIES.values():
        assert c.ip_blocks
        for base, blocks in c.ip_blocks:
            first = ipaddress.IPv4Address(base)
            last = ipaddress.IPv4Address(base + (blocks << 8) - 1)
            assert first.is_global and last.is_global, c.code


def test_kr_is_android_heavy_and_jp_is_ios_heavier() -> None:
    kr = devices("mobile_app", 2000, {"KR": 1})
    jp = devices("mobile_app", 2000, {"JP": 1})
    ios = lambda ds: sum(d.presets["#os"] == "iOS" for d in ds) / len(ds)  # noqa: E731
    assert 0.18 < ios(kr) < 0.33
    assert 0.5 < ios(jp) < 0.7
    assert Counter(d.presets["#manufacturer"] for d in kr).most_common(1)[0][0] == "samsung"
    assert {d.presets["#carrier"] for d in kr if "#carrier" in d.presets} == {"SKT", "KT", "LG U+"}


def test_web_devices_have_browsers_and_no_carrier_or_model() -> None:
    web = devices("web", 1000)
    for d in web:
        p = d.presets
        assert p["#lib"] == "js" and p["#browser"] and p["#browser_version"]
        assert "#carrier" not in p and "#device_model" not in p and "#os_version" not in p
        assert p["#system_language"] == f"{d.language}-{d.country}"
        if p["#os"] in ("Windows", "Mac OS X", "Linux", "Chrome OS"):
            assert p["#screen_width"] >= 1024
        else:
            assert p["#os"] in ("iOS", "Android") and p["#screen_width"] < 500
        if p["#browser"] == "safari":
            assert p["#os"] in ("Mac OS X", "iOS")
        if p["#browser"] == "edge":
            assert p["#os"] in ("Windows", "Mac OS X")
    assert Counter(d.presets["#os"] for d in web).most_common(1)[0][0] == "Windows"


def test_pc_and_mini_program_presets() -> None:
    for d in devices("pc", 200):
        assert d.presets["#os"] in ("Windows", "Mac OS X") and "#browser" not in d.presets
        assert "#carrier" not in d.presets and d.presets["#os_version"]
    for d in devices("mini_program", 200):
        assert d.presets["#lib"] == "MG" and "#carrier" not in d.presets
        assert (d.presets["#manufacturer"] == "Apple") == (d.presets["#os"] == "iOS")


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_single_os_platforms(platform: str) -> None:
    oses = {d.presets["#os"] for d in devices(platform, 300)}
    assert oses == {"Android" if platform == "android" else "iOS"}


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), index=st.integers(0, 10**7))
def test_same_stream_same_device(seed: int, index: int) -> None:
    factory, ids = DeviceFactory("mobile_app"), RunIds(seed=seed)
    a = factory.new_device(random.Random(seed ^ index), index, ids)
    b = factory.new_device(random.Random(seed ^ index), index, ids)
    assert a == b
    assert len(a.distinct_id) <= 64 and uuid.UUID(a.distinct_id).version == 4
    other = factory.new_device(random.Random(seed ^ index), index + 1, ids)
    assert other.distinct_id != a.distinct_id


@pytest.mark.parametrize("platform", ["ios", "android", "web", "pc"])
def test_another_namespace_same_stream_other_ids_same_device(platform: str) -> None:
    """Another product's user drawn from the same stream: the same kind of device (the
    stream is untouched), but no id in common."""
    factory = DeviceFactory(platform)
    a = factory.new_device(random.Random(3), 3, RunIds(seed=0, namespace="plan:A"))
    b = factory.new_device(random.Random(3), 3, RunIds(seed=0, namespace="plan:B"))
    assert a.distinct_id != b.distinct_id
    assert a.presets.pop("#device_id") != b.presets.pop("#device_id")
    assert a.presets == b.presets and a.country == b.country and a.ip == b.ip


def test_distinct_ids_are_unique_across_users(mobile: list) -> None:
    assert len({d.distinct_id for d in mobile}) == len(mobile)
    assert len({d.presets["#device_id"] for d in mobile}) == len(mobile)


def test_country_mix_from_a_taxonomy_enum() -> None:
    factory = DeviceFactory("mobile_app", {"kr": 1.0, "JP": 1.0, "XX": 5.0, "US": 0.0})
    assert factory.countries == ("KR", "JP")
    assert factory.ignored_countries == ("XX",)
    assert {d.country for d in devices("mobile_app", 300, {"kr": 1.0, "JP": 1.0})} == {"KR", "JP"}
    # the default mix: every country with a default weight (CN's is 0: only when named)
    assert set(DeviceFactory("web", {"XX": 1}).countries) == {
        code for code, info in COUNTRIES.items() if info.weight > 0} == set(COUNTRIES) - {"CN"}
    assert {d.country for d in devices("mobile_app", 20, {"CN": 1})} == {"CN"}


def test_platform_names() -> None:
    assert normalize_platform("Mobile App") == "mobile_app"
    assert normalize_platform("H5") == "web"
    with pytest.raises(ConfigError, match="unknown platform 'console'"):
        DeviceFactory("console")


def test_network_type() -> None:
    factory = DeviceFactory("mobile_app", {"KR": 1})
    rnd = random.Random(3)
    phone = next(d for d in devices("mobile_app", 50, {"KR": 1})
                 if d.presets["#device_type"] == "Phone")
    kinds = {factory.network_type(rnd, phone) for _ in range(300)}
    assert kinds == {"WIFI", "4G", "5G"}
    web = devices("web", 1)[0]
    assert DeviceFactory("web").network_type(rnd, web) is None


# -- app versions -------------------------------------------------------------------------


ROLLOUT = AppVersionRollout.for_window(30)


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(p) for p in v.split("."))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), install=st.one_of(st.none(), st.integers(-60, 29)))
def test_app_version_never_goes_backwards(seed: int, install: int | None) -> None:
    delays = ROLLOUT.adoption_delays(random.Random(seed))
    start = install if install is not None and install > 0 else 0
    seen = [ROLLOUT.version_at(delays, day + frac, install_day=install)
            for day in range(start, 30) for frac in (0.0, 0.5)]
    assert all(_version_key(a) <= _version_key(b) for a, b in itertools.pairwise(seen))
    assert all(v in ROLLOUT.versions for v in seen)


def test_new_versions_appear_in_the_window_and_half_adopt_within_three_days() -> None:
    users = [ROLLOUT.adoption_delays(random.Random(i)) for i in range(3000)]
    at_start = Counter(ROLLOUT.version_at(d, 0) for d in users)
    at_end = Counter(ROLLOUT.version_at(d, 29.9) for d in users)
    in_window = {r.version for r in ROLLOUT.releases if 0 < r.day < 30}
    assert in_window and not in_window & set(at_start)
    assert sum(at_end[v] for v in in_window) / len(users) > 0.6
    i = next(i for i, r in enumerate(ROLLOUT.releases) if r.day > 0)
    assert 2.5 < statistics.median(d[i] for d in users) < 3.5
    assert 0.45 < sum(d[i] <= 3.0 for d in users) / len(users) < 0.55
    release = ROLLOUT.releases[i]
    for d in users[:200]:  # right after its own delay, a user runs this release or a newer one
        after = ROLLOUT.version_at(d, release.day + d[i] + 1e-6)
        assert _version_key(after) >= _version_key(release.version)


def test_installing_after_a_release_starts_on_it() -> None:
    rollout = AppVersionRollout([("1.0.0", -30), ("1.1.0", 5), ("1.2.0", 20)],
                                median_days=50.0)
    delays = rollout.adoption_delays(random.Random(1))
    assert rollout.version_at(delays, 12, install_day=12) == "1.1.0"
    assert rollout.version_at(delays, 3, install_day=3) == "1.0.0"
    assert rollout.version_at(delays, 25, install_day=12) in ("1.1.0", "1.2.0")


def test_rollout_continues_past_the_listed_releases_and_seed_shifts_days() -> None:
    long = AppVersionRollout.for_window(90)
    assert long.releases[-1].day > 70 and len(set(long.versions)) == len(long.versions)
    assert AppVersionRollout.for_window(30, seed=5).releases == \
        AppVersionRollout.for_window(30, seed=5).releases
    shifted = AppVersionRollout.for_window(30, seed=5).releases
    assert all(abs(a.day - b.day) <= 2 for a, b in zip(shifted, ROLLOUT.releases, strict=True))
    assert [r for r in shifted if r.day < 0] == [r for r in ROLLOUT.releases if r.day < 0]
    with pytest.raises(ConfigError):
        AppVersionRollout([])
    assert Release("1.0.0", 0).version == "1.0.0"
