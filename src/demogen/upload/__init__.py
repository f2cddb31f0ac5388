"""Into ThinkingEngine: post an output to a receiver (resumable, nothing lost), check a
sample with ``/data_debug``, and hand large back-fills to LogBus2."""

from demogen.upload._checkpoint import CHECKPOINT_NAME
from demogen.upload._dryrun import DEFAULT_SAMPLE, DryRunReport, SampleResult, dry_run
from demogen.upload._receiver import (
    DebugAnswer,
    ReceiverClient,
    ReceiverUnavailable,
    RejectedData,
    UnknownAppId,
)
from demogen.upload._target import Target, mask_appid
from demogen.upload._upload import (
    DEFAULT_BATCH_SIZE,
    MAX_BATCH_SIZE,
    UploadOptions,
    UploadSummary,
    upload_output,
)

__all__ = [
    "CHECKPOINT_NAME",
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_SAMPLE",
    "MAX_BATCH_SIZE",
    "DebugAnswer",
    "DryRunReport",
    "ReceiverClient",
    "ReceiverUnavailable",
    "RejectedData",
    "SampleResult",
    "Target",
    "UnknownAppId",
    "UploadOptions",
    "UploadSummary",
    "dry_run",
    "mask_appid",
    "upload_output",
]
