"""How ``validate_output`` reports progress to its caller (the library never prints).

``progress(step, done, total)`` is called in the caller's process and thread, with ``done``
growing from 0 to ``total`` within a step. The steps, in order:

- ``"records"`` (:data:`STEP_RECORDS`): the record pass; ``done``/``total`` are bytes of the
  day files read (as stored: compressed bytes for ``.gz``). Ticks within a file when files are
  scanned in this process, once per file when worker processes scan them.
- ``"users"`` (:data:`STEP_USERS`): the per-user pass in DuckDB; ``done``/``total`` count its
  stages (loading the records, then one per check).

Each step starts with ``done == 0`` and ends with ``done == total``.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["STEP_RECORDS", "STEP_USERS", "Progress", "progress_text"]

#: ``progress(step, done, total)``.
Progress = Callable[[str, int, int], None]
STEP_RECORDS = "records"
STEP_USERS = "users"


def progress_text(step: str, done: int, total: int) -> str:
    """One progress call in the user's words, for a status line."""
    if step == STEP_RECORDS:
        return f"reading the records, {done * 100 // max(total, 1)} %"
    if step == STEP_USERS:
        return f"checking users, step {min(done + 1, total)} of {total}"
    return f"{step}, {done} of {total}"
