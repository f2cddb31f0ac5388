"""demogen.yaml: every generate option in a file; CLI > DEMOGEN_* > file > defaults; unknown
keys named with file, line and the closest valid key; ``--config`` repeats a run's bytes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import typer

from demogen.cli._app import app
from demogen.config import GenerateConfig, load_config, write_config
from demogen.errors import ConfigError
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_every_generate_option_is_a_config_key() -> None:
    command = typer.main.get_command(app).commands["generate"]  # type: ignore[attr-defined]
    names = {p.name for p in command.params} - {"config_file"}
    assert names == set(GenerateConfig.model_fields) - {"segments"}


def test_precedence_cli_over_environment_over_file_over_defaults(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _write(tmp_path / "demogen.yaml", "users: 300\ndays: 9\nseed: 4\nlayout: parts\n")
    monkeypatch.setenv("DEMOGEN_DAYS", "11")
    monkeypatch.setenv("DEMOGEN_SEED", "5")
    loaded = load_config(config, given={"seed": 6})
    assert loaded.seed == 6            # the command line
    assert loaded.days == 11           # the environment
    assert loaded.users == 300         # the file
    assert loaded.layout == "parts"
    assert loaded.workers == 1         # the default
    assert loaded.calibration_users == 4_000
    # The Python API's layering leaves the environment out.
    assert load_config(config, given={}, environ=False).days == 9


def test_paths_in_the_file_are_relative_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    config = _write(folder / "demogen.yaml", "taxonomy: plan.xlsx\noutput: out\n")
    loaded = load_config(config, environ=False)
    assert loaded.taxonomy == folder / "plan.xlsx"
    assert Path(loaded.output) == folder / "out"


def test_unknown_key_names_file_line_and_closest_key(tmp_path: Path) -> None:
    config = _write(tmp_path / "demogen.yaml", "users: 10\n\nusres_count: 3\nid-prefix: x\n")
    with pytest.raises(ConfigError) as caught:
        load_config(config, environ=False)
    message = str(caught.value)
    assert f"{config}, line 3: unknown key 'usres_count'" in message
    assert f"{config}, line 4: unknown key 'id-prefix'; did you mean 'id_prefix'?" in message


def test_bad_value_names_its_key_and_line(tmp_path: Path) -> None:
    config = _write(tmp_path / "demogen.yaml", "seed: 1\ndays: -3\n")
    with pytest.raises(ConfigError, match=r"line 2: days: Input should be greater"):
        load_config(config, environ=False)


def test_cli_reports_unknown_key_in_one_line_exit_2(tmp_path: Path) -> None:
    config = _write(tmp_path / "demogen.yaml", "dayz: 3\n")
    result = run_cli(["generate", EXAMPLES / "game", "--config", config,
                      "-o", tmp_path / "out"])
    assert result.exit_code == 2
    assert "unknown key 'dayz'; did you mean 'days'?" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_config_file_reproduces_a_cli_run_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEMOGEN_USERS", "DEMOGEN_DAYS", "DEMOGEN_SEED"):
        monkeypatch.delenv(name, raising=False)
    start = window_start(2).isoformat()
    first = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "cli", "--users", 60,
                     "--days", 2, "--start", start, "--seed", 3, "--id-prefix", "t-", "-q"])
    assert first.exit_code == 0, first.output
    config = GenerateConfig(taxonomy=EXAMPLES / "game", output=str(tmp_path / "file"),
                            users=60, days=2, start=start, seed=3, id_prefix="t-", quiet=True)
    write_config(config, tmp_path / "demogen.yaml")
    second = run_cli(["generate", "--config", tmp_path / "demogen.yaml"])
    assert second.exit_code == 0, second.output
    days = sorted(p.name for p in (tmp_path / "cli").glob("logs_*.jsonl"))
    assert days and days == sorted(p.name for p in (tmp_path / "file").glob("logs_*.jsonl"))
    for name in days:
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "file" / name).read_bytes()
    # A value typed on the command line wins over the file's.
    third = run_cli(["generate", "--config", tmp_path / "demogen.yaml", "--seed", 4,
                     "-o", tmp_path / "seed4"])
    assert third.exit_code == 0, third.output
    manifest = orjson.loads((tmp_path / "seed4" / "manifest.json").read_bytes())
    assert manifest["seed"] == 4 and manifest["users"] == 60
