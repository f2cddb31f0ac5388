"""``demogen logbus-config``: the daemon.json LogBus2 reads, and ``--run`` with a fake
``logbus`` binary on PATH that records how it was called."""

from __future__ import annotations

import gzip
import os
import stat
from pathlib import Path

import orjson
from typer.testing import CliRunner

from demogen.cli._app import app
from tests.upload.conftest import APPID

URL = "https://receiver.example"


def _cli(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["logbus-config", *map(str, args)], env=env)


def _fake_logbus(folder: Path, *, fail: str = "") -> Path:
    """A ``logbus`` that appends ``<cwd> <command>`` to calls.txt and answers like one."""
    folder.mkdir(parents=True, exist_ok=True)
    binary = folder / "logbus"
    binary.write_text(
        "#!/bin/sh\n"
        f'echo "$(pwd) $1" >> "{folder}/calls.txt"\n'
        f'if [ "$1" = "{fail}" ]; then echo "connection refused" >&2; exit 3; fi\n'
        'echo "logbus $1: ok"\n')
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def test_writes_daemon_json_for_the_output(output: Path, tmp_path: Path) -> None:
    home = tmp_path / "lb"
    result = _cli(output, "--url", URL + "/some/path", "--appid", APPID, "--logbus-dir", home)
    assert result.exit_code == 0, result.output
    config_path = home / "conf" / "daemon.json"
    config = orjson.loads(config_path.read_bytes())
    assert config["push_url"] == URL                 # no /logbus, no path
    (source,) = config["datasource"]
    assert source["type"] == "file" and source["app_id"] == APPID
    assert source["http_compress"] == "gzip"
    (pattern,) = source["file_patterns"]
    assert Path(pattern).is_absolute() and pattern == str(output.resolve() / "logs_*.jsonl")
    assert sorted(Path(pattern).parent.glob(Path(pattern).name)) == sorted(
        output.glob("logs_*.jsonl"))
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    assert "./logbus start" in result.stdout and "./logbus progress" in result.stdout
    assert APPID not in result.output
    # The same again is fine; another configuration needs --overwrite.
    assert _cli(output, "--url", URL, "--appid", APPID, "--logbus-dir", home).exit_code == 0
    other = _cli(output, "--url", URL, "--appid", "other-appid", "--logbus-dir", home)
    assert other.exit_code == 2 and "--overwrite" in other.stderr
    assert _cli(output, "--url", URL, "--appid", "other-appid", "--logbus-dir", home,
                "--overwrite").exit_code == 0


def test_refuses_gzipped_outputs(tmp_path: Path) -> None:
    out = tmp_path / "gz"
    out.mkdir()
    (out / "logs_20250101.jsonl.gz").write_bytes(gzip.compress(b"{}\n"))
    result = _cli(out, "--url", URL, "--appid", APPID, "--logbus-dir", tmp_path / "lb")
    assert result.exit_code == 2 and "without --gzip" in result.stderr


def test_run_starts_the_logbus_on_path(output: Path, tmp_path: Path) -> None:
    binary = _fake_logbus(tmp_path / "bin")
    env = {"PATH": f"{binary.parent}{os.pathsep}{os.environ['PATH']}"}
    result = _cli(output, "--url", URL, "--appid", APPID, "--run", env=env)
    assert result.exit_code == 0, result.output
    assert (binary.parent / "conf" / "daemon.json").exists()
    calls = (binary.parent / "calls.txt").read_text().splitlines()
    assert calls == [f"{binary.parent} env", f"{binary.parent} start",
                     f"{binary.parent} progress"]
    assert "logbus start: ok" in result.stdout and "LogBus2 is running" in result.stderr


def test_run_stops_when_a_step_fails(output: Path, tmp_path: Path) -> None:
    binary = _fake_logbus(tmp_path / "bin", fail="env")
    result = _cli(output, "--url", URL, "--appid", APPID, "--run",
                  "--logbus-dir", binary.parent)
    assert result.exit_code == 1
    assert "connection refused" in result.stdout and "'logbus env' exited 3" in result.stderr
    assert (binary.parent / "calls.txt").read_text().split() == [str(binary.parent), "env"]


def test_run_without_a_binary_exits_2(output: Path, tmp_path: Path) -> None:
    result = _cli(output, "--url", URL, "--appid", APPID, "--run", "--logbus-dir",
                  tmp_path / "empty", env={"PATH": str(tmp_path / "nowhere")})
    assert result.exit_code == 2 and "no logbus binary" in result.stderr
