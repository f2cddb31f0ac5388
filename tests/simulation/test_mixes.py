"""Issue 15: ``--segment-mix`` and ``--market`` (simulation.mixes), read from the command line
and demogen.yaml, measured in the output and in ``--debug-users``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from demogen.config import load_config
from demogen.errors import ConfigError
from demogen.simulation.mixes import format_mix, normalised, parse_market, parse_segment_mix
from demogen.vocab import Segment
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start


def test_segment_mix_names_in_any_case_and_unnamed_segments_get_none() -> None:
    mix = parse_segment_mix("power_user=2, Churning_User=1")
    assert mix == {Segment.POWER_USER: 2.0, Segment.CHURNING_USER: 1.0}
    assert normalised(mix) == {Segment.POWER_USER: 2 / 3, Segment.CHURNING_USER: 1 / 3}
    assert parse_segment_mix({"new_user": 0.5, "ACTIVE_USER": 0.5}) == {
        Segment.NEW_USER: 0.5, Segment.ACTIVE_USER: 0.5}
    assert format_mix(mix) == "POWER_USER=2,CHURNING_USER=1"


@pytest.mark.parametrize(("text", "message"), [
    ("POWR_USER=1", "unknown segment 'POWR_USER' in the segment mix (did you mean POWER_USER?)"
                    "; the segments are NEW_USER, ACTIVE_USER, POWER_USER, CHURNING_USER, "
                    "RETURNING_USER"),
    ("POWER_USER=x", "'POWER_USER=x' is not a number"),
    ("POWER_USER=-1", "POWER_USER=-1 is negative"),
    ("POWER_USER=0", "shares add up to 0"),
    ("POWER_USER", "give POWER_USER a share"),
    ("", "names no segment"),
])
def test_segment_mix_problems(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_segment_mix(text)
    assert message in str(caught.value)


def test_market_forms() -> None:
    assert parse_market("kr") == {"KR": 1.0}
    assert parse_market("US=0.6,KR=0.4") == {"US": 0.6, "KR": 0.4}
    assert parse_market({"jp": 3}) == {"JP": 3.0}
    by_default = parse_market("US,KR")      # no weights: countries.yaml's
    assert set(by_default) == {"US", "KR"} and by_default["KR"] > 0
    with pytest.raises(ValueError, match="did you mean GB"):
        parse_market("UK")
    with pytest.raises(ValueError, match="did you mean JP"):
        parse_market("JA=1")
    with pytest.raises(ValueError, match="every country a weight"):
        parse_market("US=1,KR")


def test_config_file_holds_both_and_the_command_line_wins(tmp_path: Path) -> None:
    path = tmp_path / "demogen.yaml"
    path.write_text("segment_mix: {power_user: 1}\nmarket: {US: 0.6, KR: 0.4}\n")
    config = load_config(path, environ=False)
    assert config.segment_mix == {Segment.POWER_USER: 1.0}
    assert config.market == {"US": 0.6, "KR": 0.4}
    assert config.to_file_data() == {"segment_mix": {"POWER_USER": 1.0},
                                     "market": {"US": 0.6, "KR": 0.4}}
    options = load_config(path, given={"market": "JP"}, environ=False).generate_options()
    assert options.market == {"JP": 1.0} and options.segment_mix == {Segment.POWER_USER: 1.0}
    path.write_text("users: 10\nsegment_mix:\n  POWER_USR: 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ=False)
    assert str(caught.value).startswith(f"{path}, line 2: segment_mix: unknown segment "
                                        "'POWER_USR'")


def test_generate_follows_the_segment_mix_and_the_market(tmp_path: Path) -> None:
    """Existing users start only in the mix's segments, at its shares; a JP market gives
    every record the JP time zone and language."""
    days, start = 3, window_start(3)
    trace = tmp_path / "users.jsonl"
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "out", "--users", 400,
                      "--days", days, "--start", start.isoformat(), "--quiet",
                      "--segment-mix", "power_user=0.7,CHURNING_USER=0.3", "--market", "JP",
                      "--debug-users", trace])
    assert result.exit_code == 0, result.output
    first: dict[int, dict[str, str]] = {}
    for line in trace.read_text().splitlines():
        row = json.loads(line)
        first.setdefault(row["user"], row)
    existing = Counter(r["start_segment"] for r in first.values()
                       if r["installed"] < start.isoformat())
    assert set(existing) == {"POWER_USER", "CHURNING_USER"}, existing
    n = sum(existing.values())
    assert n >= 100
    # Binomial: 3 standard deviations of the share at n ≈ 170 is about 0.11.
    assert abs(existing["POWER_USER"] / n - 0.7) < 3 * (0.7 * 0.3 / n) ** 0.5, existing
    zones, languages = Counter(), Counter()
    for path in sorted((tmp_path / "out").glob("logs_*.jsonl")):
        for line in path.read_text().splitlines():
            props = json.loads(line).get("properties", {})
            if "#zone_offset" in props:
                zones[props["#zone_offset"]] += 1
            if "#system_language" in props:
                languages[props["#system_language"]] += 1
    assert set(zones) == {9} and zones[9] > 1000
    assert languages.most_common(1)[0][0] == "ja"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["options"]["market"] == {"JP": 1.0}
    assert manifest["options"]["segment_mix"] == {"POWER_USER": 0.7, "CHURNING_USER": 0.3}


@pytest.mark.parametrize(("args", "message"), [
    (["--market", "XX"], "--market: unknown country 'XX' in the market; demogen has data for"),
    (["--segment-mix", "sleepy=1"], "--segment-mix: unknown segment 'sleepy'"),
])
def test_unknown_names_exit_2_with_the_message(tmp_path: Path, args: list[str],
                                              message: str) -> None:
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "out", "--users", 10,
                      "--days", 1, *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_python_api_takes_both_like_the_cli(tmp_path: Path) -> None:
    import demogen

    run = demogen.generate(EXAMPLES / "game", output=tmp_path / "out", users=30, days=2,
                           start=window_start(2), market={"kr": 1}, segment_mix="power_user=1",
                           cache_dir=tmp_path / "cache")
    options = run.result.manifest.options
    assert options["market"] == {"KR": 1.0} and options["segment_mix"] == {"POWER_USER": 1.0}
    assert run.result.config.segment_mix == {Segment.POWER_USER: 1.0}


def test_a_market_outside_the_plans_country_enum_is_warned_about(tmp_path: Path) -> None:
    """examples/ecommerce's ``country`` property allows US, CA, GB, AU: it follows a US or GB
    user's device, but a JP user would get one of those, so a JP market is warned about."""
    from demogen.pipeline import GenerateOptions, prepare, simulation_config

    prepared = prepare(EXAMPLES / "ecommerce", cache_dir=tmp_path / "cache")
    start = window_start(2)

    def warnings(market: dict[str, float]) -> list[str]:
        options = GenerateOptions(days=2, start=start, market=market)
        return simulation_config(prepared, options)[1]

    (warning,) = warnings({"JP": 1.0, "US": 1.0})
    assert warning.startswith("--market JP: the plan's country/locale enums name US, GB")
    assert warnings({"US": 0.7, "GB": 0.3}) == []


def test_market_regions_expand_to_their_countries() -> None:
    """SEA/EU/global are region groups of data/locale/markets.yaml: a region's share is split
    among its member countries; every member is a country demogen has data for."""
    from demogen.simulation.devices import load_countries
    from demogen.simulation.mixes import global_market, regions

    countries = load_countries()
    assert all(code in countries for members in regions().values() for code in members)
    mix = parse_market("KR=0.8,SEA=0.2")
    assert mix["KR"] == 0.8 and set(mix) == {"KR", *regions()["SEA"]}
    assert sum(mix.values()) == pytest.approx(1.0)
    assert set(parse_market("eu")) == set(regions()["EU"])
    assert parse_market("global") == pytest.approx(
        normalised({c: i.weight for c, i in countries.items() if i.weight}))
    assert set(global_market()) == {c for c, i in countries.items() if i.weight}
    assert parse_market("CN") == {"CN": 1.0}      # weight 0 by default, but named on purpose


def test_rules_market_is_checked_and_an_edit_replaces_it_whole() -> None:
    from demogen.analysis.merge import merge_rules
    from demogen.analysis.rules import Rules
    from demogen.errors import RulesError

    analysed = Rules.from_data({"market": {"KR": 0.8, "US": 0.1, "JP": 0.1}})
    edited = merge_rules(analysed, Rules.from_data({"market": "JP"}))
    assert edited.market == {"JP": 1.0}
    assert Rules.from_data({"market": "SEA"}).market == parse_market("SEA")
    with pytest.raises(RulesError, match="unknown country 'XX'"):
        Rules.from_data({"market": {"XX": 1}})
