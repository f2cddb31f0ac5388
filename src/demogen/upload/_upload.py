"""Send an output folder to a receiver: nothing lost, duplicates only as identical resends.

The main thread reads the output as numbered batches (:mod:`._batches`) and keeps up to
``in_flight`` of them posting on worker threads. A batch is acknowledged only by HTTP 200 and
``code 0``; network errors, timeouts and 5xx are retried with exponential backoff and jitter.
An unknown APPID or rejected data stops the run: no new batch is started, those in flight
finish, and the checkpoint keeps what was acknowledged. The checkpoint is written from the
main thread at most every ``checkpoint_every`` seconds and at the end, so a rerun after a
crash, SIGKILL or Ctrl-C sends only what may not have arrived.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from demogen.errors import ConfigError, DemogenError
from demogen.output import read_manifest
from demogen.output._manifest import UploadRecord, record_upload
from demogen.upload._batches import Batch, count_records, folder, iter_batches, output_fingerprint
from demogen.upload._checkpoint import (
    CHECKPOINT_NAME,
    TargetProgress,
    load_checkpoint,
    ranges,
    save_checkpoint,
)
from demogen.upload._receiver import (
    ReceiverClient,
    ReceiverUnavailable,
    RejectedData,
    RetryableError,
    UnknownAppId,
)
from demogen.upload._target import Target

__all__ = ["DEFAULT_BATCH_SIZE", "MAX_BATCH_SIZE", "UploadOptions", "UploadSummary",
           "upload_output"]

#: The Python SDK's batch consumer caps a batch at 200 records, Java's at 1000 (§8, §14).
DEFAULT_BATCH_SIZE = 200
MAX_BATCH_SIZE = 1000


@dataclass(frozen=True, kw_only=True)
class UploadOptions:
    """How to send. ``batch_size=None`` takes the checkpoint's, else
    :data:`DEFAULT_BATCH_SIZE`."""

    batch_size: int | None = None
    in_flight: int = 4
    timeout: float = 30.0
    max_attempts: int = 8          # per batch, per run
    backoff: float = 0.5           # first retry waits about this long, then ×2 …
    backoff_cap: float = 30.0      # … up to this
    checkpoint_every: float = 0.5  # seconds between checkpoint writes


@dataclass
class UploadSummary:
    """What a run did. ``error`` is set when it stopped before the end."""

    receiver: str
    appid: str                     # masked
    batch_size: int
    records: int = 0               # in the output
    read: int = 0                  # read this run
    already: int = 0               # acknowledged by an earlier run (skipped)
    sent: int = 0                  # records posted this run, retries included
    acknowledged: int = 0          # this run
    resent: int = 0                # posted again: retries, and batches a stopped run sent
    rejected: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: DemogenError | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.error is None and self.already + self.acknowledged == self.records

    @property
    def rate(self) -> float:
        return self.acknowledged / self.seconds if self.seconds > 0 else 0.0


class _Stop(Exception):
    """A batch gave up because the run is stopping (not a failure of its own)."""


class _Run:
    """One upload's moving parts, shared by the main thread and the senders."""

    def __init__(self, client: ReceiverClient, options: UploadOptions,
                 previously_sent: set[int], summary: UploadSummary) -> None:
        self.client = client
        self.options = options
        self.previously_sent = previously_sent
        self.summary = summary
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.rng = random.Random()   # jitter only: it never shapes what is sent

    def _delay(self, attempt: int) -> float:
        ceiling = min(self.options.backoff_cap, self.options.backoff * 2 ** (attempt - 1))
        with self.lock:
            return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def send(self, batch: Batch) -> None:
        n = len(batch.records)
        last: RetryableError | None = None
        for attempt in range(self.options.max_attempts):
            if attempt and self.stop.wait(self._delay(attempt)):
                raise _Stop
            with self.lock:
                self.summary.sent += n
                if attempt or batch.index in self.previously_sent:
                    self.summary.resent += n
            try:
                self.client.send(batch.records)
                return
            except RetryableError as exc:
                last = exc
            if self.stop.is_set():
                raise _Stop
        raise ReceiverUnavailable(
            f"the receiver {self.client.target.base_url} kept failing: batch {batch.index} "
            f"({batch.file} line {batch.line}) got no acknowledgement in "
            f"{self.options.max_attempts} attempts, the last: {last}; rerun the same command "
            "to resume")


def upload_output(out_dir: str | Path, target: Target, options: UploadOptions | None = None,
                  *, progress: Callable[[int, int], None] | None = None,
                  client: ReceiverClient | None = None) -> UploadSummary:
    """Send every record of ``out_dir`` not yet acknowledged to ``target``.

    ``progress(total, acknowledged)`` is called from this thread: once with ``acknowledged``
    0 (``total`` = records left to send), then with each acknowledged batch's size.
    KeyboardInterrupt is re-raised after the checkpoint is saved.
    """
    options = options or UploadOptions()
    out = folder(out_dir)
    fingerprint = output_fingerprint(out)
    checkpoint = load_checkpoint(out)
    entry = checkpoint.targets.get(target.key)
    notes: list[str] = []
    if target.dropped_path:
        notes.append(f"the path {target.dropped_path!r} of the URL is not used: records go to "
                     f"{target.base_url}/sync_server, as the official SDKs send them")
    if entry is not None and entry.output != fingerprint:
        notes.append(f"the output changed since {CHECKPOINT_NAME} was written: sending "
                     "everything to this receiver again")
        entry = None
    if entry is not None and options.batch_size not in (None, entry.batch_size):
        raise ConfigError(
            f"{out / CHECKPOINT_NAME} holds a partial upload to {target.base_url} in batches "
            f"of {entry.batch_size}: rerun with --batch-size {entry.batch_size} to resume, or "
            "delete the checkpoint to send everything again")
    batch_size = options.batch_size or (entry.batch_size if entry else DEFAULT_BATCH_SIZE)
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise ConfigError(f"batch size {batch_size} is outside 1–{MAX_BATCH_SIZE} (the "
                          "official SDKs send at most 200 or 1000 records per request)")
    if entry is None:
        entry = TargetProgress(batch_size=batch_size, output=fingerprint)
    elif entry.acked:
        notes.append(f"resuming: {entry.records_acked:,} records were acknowledged by an "
                     "earlier run")
    checkpoint.targets[target.key] = entry

    summary = UploadSummary(target.base_url, target.masked, batch_size, notes=notes)
    summary.records = _records_in(out)
    summary.already = entry.records_acked
    acked, sent = entry.acked_set(), entry.sent_set()
    own_client = client is None
    client = client or ReceiverClient(target, timeout=options.timeout)
    run = _Run(client, options, sent - acked, summary)
    if progress:
        progress(summary.records - summary.already, 0)

    last_save = time.monotonic()
    started = time.perf_counter()

    def save() -> None:
        nonlocal last_save
        entry.acked, entry.sent = ranges(acked), ranges(sent)
        save_checkpoint(out, checkpoint)
        last_save = time.monotonic()

    def settle(done: set[Future[None]], batches: dict[Future[None], Batch]) -> None:
        for future in done:
            batch = batches.pop(future)
            try:
                future.result()
            except _Stop:
                continue
            except RejectedData as exc:
                summary.rejected.append(f"batch {batch.index} ({batch.file} line "
                                        f"{batch.line}, {len(batch.records)} records): {exc}")
                summary.error = summary.error or exc
                run.stop.set()
                continue
            except DemogenError as exc:
                summary.error = summary.error or exc
                run.stop.set()
                continue
            acked.add(batch.index)
            entry.records_acked += len(batch.records)
            summary.acknowledged += len(batch.records)
            if progress:
                progress(summary.records - summary.already, len(batch.records))
        if time.monotonic() - last_save >= options.checkpoint_every:
            save()

    pool = ThreadPoolExecutor(max_workers=options.in_flight, thread_name_prefix="upload")
    pending: dict[Future[None], Batch] = {}
    try:
        for batch in iter_batches(out, batch_size):
            summary.read += len(batch.records)
            if batch.index in acked:
                continue
            while len(pending) >= options.in_flight and not run.stop.is_set():
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                settle(done, pending)
            if run.stop.is_set():
                break
            sent.add(batch.index)
            pending[pool.submit(run.send, batch)] = batch
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            settle(done, pending)
        if not run.stop.is_set():
            summary.records = summary.read      # every line counted, whatever the manifest says
    except BaseException:
        run.stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        save()
        raise
    finally:
        summary.seconds = time.perf_counter() - started
    pool.shutdown(wait=True)
    if own_client:
        client.close()
    if isinstance(summary.error, UnknownAppId):
        del checkpoint.targets[target.key]     # nothing of it was ever stored
    save()
    if summary.already + summary.acknowledged:
        _note_in_manifest(out, target, summary)
    return summary


def _records_in(out: Path) -> int:
    """Records of the output: the manifest's count when it describes these files."""
    try:
        manifest = read_manifest(out)
    except DemogenError:
        return count_records(out)
    written = sum(stats.lines for stats in manifest.files.values())
    return written if written else count_records(out)


def _note_in_manifest(out: Path, target: Target, summary: UploadSummary) -> None:
    try:
        read_manifest(out)
    except DemogenError:
        return      # not a demogen output (or an older one): nothing to record into
    record_upload(out, target.key, UploadRecord(
        receiver=target.base_url, appid=target.masked, records=summary.records,
        acknowledged=summary.already + summary.acknowledged, complete=summary.complete,
        finished_at=datetime.now(UTC).replace(microsecond=0)))
