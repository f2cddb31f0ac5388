"""Hand an output to LogBus2: its ``daemon.json``, and running the ``logbus`` binary.

LogBus2 (thinkingdata-format.md §11) tails files matched by an absolute glob and pushes each
new line to ``<push_url>/logbus``; so ``push_url`` is the receiver's base URL without
``/logbus``, ``http_compress`` is ``gzip`` for throughput, and the day files must be plain
(LogBus2 skips ``.gz``). The glob ``logs_*.jsonl`` also matches ``--layout parts`` files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from demogen.errors import ConfigError
from demogen.output._files import replace_file
from demogen.upload._batches import folder
from demogen.upload._target import Target
from demogen.validate._reader import output_files

__all__ = ["LOGBUS_STEPS", "LogbusSetup", "daemon_config", "find_logbus", "run_logbus",
           "write_daemon_config"]

#: What to run in LogBus2's folder, in order, with what each does (the LogBus2 guide).
LOGBUS_STEPS = (("env", "check the config and the connection to the receiver"),
                ("start", "start shipping (it keeps tailing the files)"),
                ("progress", "how far it has sent; run it again to watch"),
                ("stop", "stop it when the progress shows every file sent"))


def daemon_config(out_dir: str | os.PathLike[str], target: Target) -> dict[str, Any]:
    """The ``daemon.json`` that ships ``out_dir``'s record files to ``target``."""
    out = folder(out_dir).resolve()
    files = output_files(out)
    if not files:
        raise ConfigError(f"{out} holds no record files (logs_YYYYMMDD.jsonl); pass the "
                          "output folder of 'demogen generate'")
    if any(p.name.endswith(".gz") for p in files):
        raise ConfigError(f"{out} holds gzipped files, which LogBus2 skips: generate again "
                          "without --gzip for LogBus2 (or use 'demogen upload')")
    return {
        "push_url": target.base_url,
        "datasource": [{
            "type": "file",
            "app_id": target.appid,
            "file_patterns": [str(out / "logs_*.jsonl")],
            "http_compress": "gzip",
        }],
        "cpu_limit": 4,
    }


@dataclass(frozen=True)
class LogbusSetup:
    config_path: Path
    replaced: bool            # an older, different daemon.json was there


def write_daemon_config(path: Path, config: dict[str, Any], *,
                        overwrite: bool = False) -> LogbusSetup:
    """Write ``config`` to ``path`` atomically, readable by its owner only (it holds the
    APPID). An existing different file is replaced only with ``overwrite``."""
    data = orjson.dumps(config, option=orjson.OPT_INDENT_2) + b"\n"
    replaced = False
    if path.exists():
        if path.read_bytes() == data:
            return LogbusSetup(path, False)
        if not overwrite:
            raise ConfigError(f"{path} exists with another configuration: pass --overwrite "
                              "to replace it, or --logbus-dir for another LogBus2 folder")
        replaced = True
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {path.parent} ({exc.strerror})") from None
    replace_file(path, data, mode=0o600)     # it holds the APPID: the owner's only
    return LogbusSetup(path, replaced)


def find_logbus(logbus_dir: Path | None) -> Path | None:
    """The ``logbus`` binary: in ``logbus_dir`` when given, else on PATH."""
    if logbus_dir is not None:
        candidate = logbus_dir / "logbus"
        return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None
    found = shutil.which("logbus")
    return Path(found) if found else None


def run_logbus(binary: Path, command: str, *, timeout: float = 120.0
               ) -> subprocess.CompletedProcess[str]:
    """``logbus COMMAND`` in the binary's folder (where it reads ``conf/daemon.json``)."""
    try:
        return subprocess.run([str(binary), command], cwd=binary.parent, capture_output=True,
                              text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(f"cannot run {binary} {command} ({exc})") from None
