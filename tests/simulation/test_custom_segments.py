"""Custom segments from demogen.yaml act on the simulation: a weekend-only segment is active
only on weekends, a high-spender segment pays more, forbidden events never happen, night
owls play at night, everyone else behaves as in a run without segments; the segment shows in
--debug-users and the manifest. Measured with DuckDB over the output."""

from __future__ import annotations

from pathlib import Path

import duckdb
import orjson
import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

DAYS, USERS = 14, 300
SEGMENTS = [
    {"name": "weekend_warriors", "share": 0.3, "activity": "weekend_only"},
    {"name": "whales", "share": 0.2, "spend": 5},
    {"name": "owls", "share": 0.2, "activity": "night_owl",
     "forbidden_events": ["mail_reward_claim"]},
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("segments")
    config = {"taxonomy": str(EXAMPLES / "game"), "output": "out", "users": USERS,
              "days": DAYS, "start": window_start(DAYS).isoformat(), "seed": 3,
              "debug_users": "users.jsonl", "quiet": True, "segments": SEGMENTS}
    (folder / "demogen.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_cli(["generate", "--config", folder / "demogen.yaml"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    con.execute(f"""create table u as select distinct cast("#distinct_id" as varchar) as d,
                    coalesce(custom_segment, '-') as s
                    from read_json_auto('{folder / "users.jsonl"}')""")
    con.execute(f"""create table e as select cast("#distinct_id" as varchar) as d,
                    "#event_name" as n,
                    cast("#time" as timestamp) as t
                    from read_json_auto('{folder / "out"}/logs_*.jsonl', union_by_name=true,
                                        maximum_object_size=100000000)
                    where "#event_name" is not null""")
    return folder, con


def test_weekend_only_users_are_active_only_on_weekends(run) -> None:
    _, con = run
    days = con.execute("""select distinct isodow(t) from e join u using (d)
                          where s = 'weekend_warriors'""").fetchall()
    assert days and {d for (d,) in days} <= {6, 7}
    others = con.execute("""select count(distinct isodow(t)) from e join u using (d)
                            where s = '-'""").fetchone()[0]
    assert others == 7


def test_high_spenders_pay_more(run) -> None:
    _, con = run
    rows = dict(con.execute("""select s, count(e.d) / count(distinct u.d) from u
                               left join e on e.d = u.d and e.n = 'purchase'
                               group by s""").fetchall())
    assert rows["whales"] > 3 * max(rows["-"], rows["weekend_warriors"], 0.01)


def test_forbidden_events_and_night_hours(run) -> None:
    _, con = run
    forbidden = con.execute("""select count(*) from e join u using (d)
                               where s = 'owls' and n = 'mail_reward_claim'""").fetchone()[0]
    assert forbidden == 0
    assert con.execute("""select count(*) from e join u using (d)
                          where s = '-' and n = 'mail_reward_claim'""").fetchone()[0] > 0
    night = con.execute("""select avg(case when hour(t) >= 21 or hour(t) < 3 then 1 else 0
                           end) from e join u using (d) where s = ?""", ["owls"]).fetchone()[0]
    rest = con.execute("""select avg(case when hour(t) >= 21 or hour(t) < 3 then 1 else 0
                          end) from e join u using (d) where s = '-'""").fetchone()[0]
    assert night > rest + 0.2


def test_segments_are_recorded_and_others_unchanged(run, tmp_path: Path) -> None:
    folder, con = run
    manifest = orjson.loads((folder / "out" / "manifest.json").read_bytes())
    assert [s["name"] for s in manifest["options"]["segments"]] == [
        "weekend_warriors", "whales", "owls"]
    page = run_cli(["report", folder / "out", "-o", tmp_path / "report.html", "-q"])
    assert page.exit_code == 0, page.output
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "custom segment whales: 20% of users, spend ×5" in html
    assert "custom segment owls: 20% of users, night_owl, never mail_reward_claim" in html
    plain = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "plain", "--users", USERS,
                     "--days", DAYS, "--start", window_start(DAYS).isoformat(), "--seed", 3,
                     "-q"])
    assert plain.exit_code == 0, plain.output
    members = {d for (d,) in con.execute("select d from u where s <> '-'").fetchall()}

    def lines(out: Path) -> set[bytes]:
        return {line for f in sorted(out.glob("logs_*.jsonl"))
                for line in f.read_bytes().splitlines()
                if orjson.loads(line)["#distinct_id"] not in members}

    assert lines(folder / "out") == lines(tmp_path / "plain")


def test_a_segment_naming_an_unknown_event_is_refused(tmp_path: Path) -> None:
    config = {"segments": [{"name": "x", "share": 0.5, "events": ["stage_strat"]}]}
    (tmp_path / "demogen.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    result = run_cli(["generate", EXAMPLES / "game", "--config", tmp_path / "demogen.yaml",
                      "-o", tmp_path / "out"])
    assert result.exit_code == 2
    assert "no event 'stage_strat'" in result.output
    assert not (tmp_path / "out").exists()
