"""Each user's segment and lifecycle stage day by day, for ``generate --debug-users FILE``.

Not ThinkingData records: a file beside the output for people who want to check the
behaviour model (do CHURNING users fade? do users reach ONBOARDING_COMPLETED?). Only a
run that asks for it keeps a :class:`UserTrace`; each shard writes its rows into a part of
its own (``trace_dir``), and :func:`join_trace` appends the parts in shard order, so the
file is the same whatever the engine or the number of workers.

One row per user and window day from the user's install (or the window's start):

``user`` (index), ``#distinct_id``, ``#account_id`` (empty before the user has one),
``day`` (local date), ``segment``, ``stage`` (after that day's sessions), ``active``
(whether the user had sessions that day), ``installed`` (install date; before the
window for existing users) and ``start_segment`` (the segment the user was drawn in:
``--segment-mix``'s draw for existing users, NEW_USER for installs; ``segment`` is derived
day by day from age and activity, so a CHURNING start looks ACTIVE until its gap shows).
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from demogen.simulation._context import UserContext
from demogen.vocab import Segment

__all__ = ["CUSTOM_FIELD", "TRACE_FIELDS", "UserTrace", "join_trace", "part_path"]

TRACE_FIELDS = ("user", "#distinct_id", "#account_id", "day", "segment", "stage", "active",
                "installed", "start_segment")
#: The user's custom segment (demogen.yaml ``segments:``), only in runs that define some.
CUSTOM_FIELD = "custom_segment"


def part_path(folder: str | Path, shard: int) -> Path:
    return Path(folder) / f"users.part-{shard:05d}.jsonl"


class UserTrace:
    """The rows of one shard's users, written as one part when the shard is done."""

    def __init__(self, start: date, *, custom: bool = False) -> None:
        self._start = start
        self._custom = custom     # the run has custom segments: a column says whose
        self._rows: list[bytes] = []
        self._starts: dict[int, str] = {}   # user index → the segment drawn at creation

    def begin(self, user: UserContext, segment: Segment) -> None:
        """Remember ``segment`` as the user's starting one, before the days derive theirs."""
        self._starts[user.index] = segment.value

    def day(self, user: UserContext, day: int, segment: Segment, active: bool,
            install_day: int) -> None:
        row = (user.index, user.device.distinct_id, user.account_id,
               self._date(day), segment.value, user.stage.value, active,
               self._date(install_day), self._starts.get(user.index))
        fields = dict(zip(TRACE_FIELDS, row, strict=True))
        if self._custom:
            custom = getattr(user, "custom", None)
            fields[CUSTOM_FIELD] = custom.name if custom is not None else None
        self._rows.append(orjson.dumps(fields))

    def write(self, folder: str | Path, shard: int) -> None:
        path = part_path(folder, shard)
        path.write_bytes(b"".join(row + b"\n" for row in self._rows))

    def _date(self, day: int) -> str:
        return (self._start + timedelta(days=day)).isoformat()


def join_trace(folder: str | Path, shards: int, target: str | Path) -> None:
    """Every shard's part, in shard order, into ``target`` (CSV when it ends in ``.csv``,
    JSON lines otherwise); the parts' folder is removed."""
    target = Path(target)
    temp = target.with_name(target.name + ".tmp")
    with temp.open("w", encoding="utf-8", newline="") as out:
        fields = (*TRACE_FIELDS, *((CUSTOM_FIELD,) if _has_custom(folder) else ()))
        writer = csv.DictWriter(out, fields) if target.suffix.lower() == ".csv" else None
        if writer is not None:
            writer.writeheader()
        for shard in range(shards):
            with part_path(folder, shard).open(encoding="utf-8") as part:
                for line in part:
                    if writer is None:
                        out.write(line)
                    else:
                        writer.writerow(_csv_row(orjson.loads(line)))
    temp.replace(target)
    shutil.rmtree(folder, ignore_errors=True)


def _has_custom(folder: str | Path) -> bool:
    with part_path(folder, 0).open(encoding="utf-8") as part:
        first = part.readline()
    return bool(first) and CUSTOM_FIELD in orjson.loads(first)


def _csv_row(row: dict[str, Any]) -> dict[str, Any]:
    if CUSTOM_FIELD in row:
        row = {**row, CUSTOM_FIELD: row[CUSTOM_FIELD] or ""}
    return {**row, "#account_id": row["#account_id"] or "",
            "active": "true" if row["active"] else "false"}
