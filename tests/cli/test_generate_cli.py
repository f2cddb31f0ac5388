"""``demogen generate`` end to end (in-process ``CliRunner``): what it writes, what it says,
and what it refuses (exit 2, a clear message, nothing written)."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from typer.testing import CliRunner

from demogen import __version__
from demogen.cli._app import app
from demogen.errors import DemogenError
from demogen.output import MANIFEST_VERSION, read_manifest
from demogen.simulation import preset_names
from demogen.simulation.config import MAX_DAYS_BACK, earliest_local_date
from demogen.taxonomy import load_taxonomy
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

runner = CliRunner()
ECOMMERCE = EXAMPLES / "ecommerce"


def generate(*args: object) -> Result:
    return runner.invoke(app, ["generate", *(str(a) for a in args)])


def shown(result: Result) -> str:
    """Everything the command printed, with rich's line wrapping undone."""
    return " ".join(result.output.split())


def nothing_written(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


def days_of(start: date, days: int) -> list[str]:
    return [f"logs_{start + timedelta(days=d):%Y%m%d}.jsonl" for d in range(days)]


# -- what a run writes ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, date]:
    out = tmp_path_factory.mktemp("generate") / "out"
    start = window_start(4)
    result = generate(ECOMMERCE, "-o", out, "--users", 80, "--days", 4, "--start", start,
                      "--seed", 5)
    assert result.exit_code == 0, result.output
    return out, result, start


def test_one_file_per_day_the_run_s_description_nothing_else(run: tuple[Path, Result, date]
                                                              ) -> None:
    out, _, start = run
    assert sorted(p.name for p in out.iterdir()) == [*days_of(start, 4), "manifest.json",
                                                      "plan.json", "rules.yaml"]
    for name in days_of(start, 4):
        day = f"{name[5:9]}-{name[9:11]}-{name[11:13]}"
        lines = (out / name).read_bytes().split(b"\n")
        assert lines[-1] == b"" and all(lines[:-1]), f"{name}: one record per line, '\\n' ended"
        assert {orjson.loads(line)["#time"][:10] for line in lines[:-1]} == {day}


def test_manifest_records_version_seed_hashes_options_and_lines(
        run: tuple[Path, Result, date]) -> None:
    out, _, start = run
    manifest = read_manifest(out)
    loaded = load_taxonomy(ECOMMERCE)
    assert manifest.manifest_version == MANIFEST_VERSION
    assert manifest.demogen_version == __version__
    assert manifest.seed == 5 and manifest.users == 80
    assert manifest.taxonomy_hash == loaded.taxonomy.content_hash()
    assert re.fullmatch(r"[0-9a-f]{64}", manifest.rules_hash)
    assert manifest.options["users"] == 80 and manifest.options["days"] == 4
    assert manifest.options["start"] == start.isoformat()
    assert manifest.options["preset"] == "ecommerce" and manifest.options["gzip"] is False
    assert manifest.started_at is not None and manifest.finished_at is not None
    assert sorted(manifest.files) == days_of(start, 4)
    for name, stats in manifest.files.items():
        data = (out / name).read_bytes()
        assert stats.lines == data.count(b"\n")
        assert stats.bytes == len(data)
        assert stats.sha256 == hashlib.sha256(data).hexdigest()
    assert manifest.records == sum(s.lines for s in manifest.files.values())


def test_summary_names_users_records_per_type_files_seconds_and_rate(
        run: tuple[Path, Result, date]) -> None:
    out, result, _ = run
    text = shown(result)
    manifest = read_manifest(out)
    assert re.search(r"users\s+80\b", text), text
    for kind, n in manifest.records_by_type.items():
        assert re.search(rf"{kind}\s+{n:,}\b", text), (kind, n, text)
    assert re.search(r"files\s+4\b", text), text
    assert re.search(r"\d+(\.\d+)? s\b", text), text
    assert re.search(r"[\d,]+ events/s", text), text


# -- the window -------------------------------------------------------------------------------


@pytest.mark.parametrize(("back", "days"), [(5, 10), (2, 3), (0, 1)],
                         ids=["runs-into-the-future", "ends-today", "starts-today"])
def test_a_window_reaching_today_is_refused(tmp_path: Path, back: int, days: int) -> None:
    """ThinkingData rejects future times: the last day must be over in every time zone,
    i.e. before today where it is earliest (UTC−12)."""
    out = tmp_path / "out"
    start = earliest_local_date() - timedelta(days=back)
    result = generate(ECOMMERCE, "-o", out, "--users", 5, "--days", days, "--start", start)
    assert result.exit_code == 2, result.output
    assert "future" in shown(result) and "Traceback" not in result.output
    assert nothing_written(out)


def test_a_window_ending_yesterday_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = generate(ECOMMERCE, "-o", out, "--users", 5, "--days", 2,
                      "--start", earliest_local_date() - timedelta(days=2), "--quiet")
    assert result.exit_code == 0, result.output
    assert read_manifest(out).options["days"] == 2


def test_a_start_more_than_three_years_back_is_a_warning(tmp_path: Path) -> None:
    """People recreate historical periods; the receive window is a project setting."""
    out = tmp_path / "out"
    start = earliest_local_date() - timedelta(days=MAX_DAYS_BACK + 1)
    result = generate(ECOMMERCE, "-o", out, "--users", 5, "--days", 1, "--start", start)
    assert result.exit_code == 0, result.output
    assert "3 years" in shown(result) and str(start) in shown(result)
    assert "receive window" in shown(result)
    checked = run_cli(["validate", out, "--workers", 1])
    assert checked.exit_code == 0, checked.output
    assert "receive window" in checked.stderr


def test_a_start_exactly_three_years_back_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    start = earliest_local_date() - timedelta(days=MAX_DAYS_BACK)
    result = generate(ECOMMERCE, "-o", out, "--users", 5, "--days", 1, "--start", start, "-q")
    assert result.exit_code == 0, result.output


# -- the output folder ------------------------------------------------------------------------


def test_a_previous_output_is_kept_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = (ECOMMERCE, "-o", out, "--users", 5, "--days", 2, "--start", window_start(2), "-q")
    assert generate(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = generate(*args, "--seed", 9)
    assert again.exit_code == 2, again.output
    assert "--overwrite" in shown(again)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    replaced = generate(*args, "--seed", 9, "--overwrite")
    assert replaced.exit_code == 0, replaced.output
    assert read_manifest(out).seed == 9


def test_a_folder_with_foreign_files_is_refused_even_with_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = generate(ECOMMERCE, "-o", out, "--users", 5, "--days", 1,
                      "--start", window_start(1), "--overwrite")
    assert result.exit_code == 2, result.output
    assert "notes.txt" in shown(result)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


# -- bad input --------------------------------------------------------------------------------


def test_a_bad_taxonomy_exits_2_with_the_readers_message(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "events.csv").write_text("event_name,event_tag,description,properties\n"
                                     "login,account,User logs in,method\n", encoding="utf-8")
    (plan / "properties.csv").write_text("name,type,description,constraint,scope\n"
                                         "method,strng,Login method,,event\n", encoding="utf-8")
    with pytest.raises(DemogenError) as reader:
        load_taxonomy(plan)
    out = tmp_path / "out"
    result = generate(plan, "-o", out, "--users", 5, "--days", 1, "--start", window_start(1))
    assert result.exit_code == 2, result.output
    message = " ".join(str(reader.value).split())
    assert message in shown(result), (message, result.output)
    assert "Traceback" not in result.output
    assert nothing_written(out)


@pytest.mark.parametrize("content", [
    "event_constraints:\n  funnels:\n    - {name: shop, steps: [a, b], conversion: [1.0, 2.0]}\n",
    "update_patterns: [not, a, mapping]\n",
    "{unclosed: [\n",
], ids=["probability-above-1", "wrong-shape", "not-yaml"])
def test_an_invalid_rules_file_exits_2(tmp_path: Path, content: str) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    result = generate(ECOMMERCE, "-o", out, "--rules", rules, "--users", 5, "--days", 1,
                      "--start", window_start(1))
    assert result.exit_code == 2, result.output
    assert str(rules) in shown(result) and "Traceback" not in result.output
    assert nothing_written(out)


def test_an_unknown_preset_exits_2_listing_the_presets(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = generate(ECOMMERCE, "-o", out, "--preset", "casino", "--users", 5, "--days", 1,
                      "--start", window_start(1))
    assert result.exit_code == 2, result.output
    text = shown(result)
    assert "casino" in text
    assert all(name in text for name in preset_names()), text
    assert nothing_written(out)


@pytest.mark.parametrize(("option", "value", "named"), [
    ("--engine", "spark", "local, dask"), ("--layout", "rows", "days, parts")])
def test_an_unknown_engine_or_layout_exits_2_naming_the_choices(
        tmp_path: Path, option: str, value: str, named: str) -> None:
    out = tmp_path / "out"
    result = generate(ECOMMERCE, "-o", out, option, value, "--users", 5, "--days", 1,
                      "--start", window_start(1))
    assert result.exit_code == 2, result.output
    assert f"unknown {option[2:]} '{value}'" in shown(result) and named in shown(result)
    assert nothing_written(out)


def test_layout_parts_writes_one_file_per_shard_and_day_that_validate_reads(
        tmp_path: Path) -> None:
    """``--layout parts``: the manifest lists the part files (the day files' lines, split by
    shard), and ``demogen validate`` reads them as it reads day files."""
    start = window_start(2)
    args = ("--users", 60, "--days", 2, "--start", start, "-q")
    days, parts = tmp_path / "days", tmp_path / "parts"
    assert generate(ECOMMERCE, "-o", days, *args).exit_code == 0
    result = generate(ECOMMERCE, "-o", parts, *args, "--layout", "parts")
    assert result.exit_code == 0, result.output
    manifest = read_manifest(parts)
    assert manifest.options["layout"] == "parts"
    assert sorted(manifest.files) == sorted(p.name for p in parts.glob("logs_*"))
    assert all(re.fullmatch(r"logs_\d{8}\.part-00000\.jsonl", n) for n in manifest.files)
    for name, stats in read_manifest(days).files.items():
        part = name.replace(".jsonl", ".part-00000.jsonl")     # 60 users: one shard
        assert manifest.files[part] == stats
    checked = CliRunner().invoke(app, ["validate", str(parts), "--taxonomy", str(ECOMMERCE)])
    assert checked.exit_code == 0, checked.output


def test_two_workers_write_the_manifest_of_one(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI hands --workers to the process pool; the day files' checksums match."""
    from demogen.pipeline import _generate as pipeline

    engines: list[tuple[int, str]] = []
    real_run = pipeline.run_parallel

    def recording_run(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        engines.append((kwargs["workers"], kwargs["engine"]))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pipeline, "run_parallel", recording_run)
    summaries = []
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        result = generate(ECOMMERCE, "-o", out, "--users", 30, "--days", 2, "--start",
                          window_start(2), "--workers", workers, "-q")
        assert result.exit_code == 0, result.output
        manifest = read_manifest(out)
        assert manifest.options["workers"] == workers
        summaries.append(manifest.files)
    assert summaries[0] == summaries[1] and summaries[0]
    assert engines == [(1, "local"), (2, "local")]      # the engines really ran


def test_an_fsspec_url_gets_the_bytes_of_a_local_folder(tmp_path: Path) -> None:
    """``-o memory://…`` (a real fsspec filesystem in this process) holds the same files."""
    import fsspec

    memory = fsspec.filesystem("memory")
    args = ("--users", 25, "--days", 2, "--start", window_start(2), "-q")
    local = tmp_path / "local"
    assert generate(ECOMMERCE, "-o", local, *args).exit_code == 0
    result = generate(ECOMMERCE, "-o", "memory://demogen-test/run", *args)
    assert result.exit_code == 0, result.output
    try:
        for path in sorted(local.glob("logs_*.jsonl")):
            assert memory.cat_file(f"/demogen-test/run/{path.name}") == path.read_bytes()
        uploaded = read_manifest(local).without_timings()
        assert memory.exists("/demogen-test/run/manifest.json") and uploaded.files
        again = generate(ECOMMERCE, "-o", "memory://demogen-test/run", *args)
        assert again.exit_code == 2 and "--overwrite" in shown(again)
    finally:
        memory.rm("/demogen-test", recursive=True)


def test_the_default_window_is_over_in_every_time_zone() -> None:
    """At 02:00 UTC it is still yesterday in UTC−8: the default window ends the day before
    the date where it is earliest, so no user's local time in it lies in the future."""
    from datetime import UTC, datetime

    from demogen.simulation.config import default_start

    early = datetime(2026, 12, 6, 2, 16, tzinfo=UTC)
    late = datetime(2026, 12, 6, 13, 0, tzinfo=UTC)
    assert earliest_local_date(early) == date(2026, 12, 5)
    assert earliest_local_date(late) == date(2026, 12, 6)
    start = default_start(3, earliest_local_date(early))
    assert (start, start + timedelta(days=2)) == (date(2026, 12, 2), date(2026, 12, 4))
