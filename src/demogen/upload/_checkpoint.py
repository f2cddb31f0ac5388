"""``OUT/upload.checkpoint.json``: which batches each receiver acknowledged.

One entry per target (receiver + a hash of the APPID, never the APPID). An entry belongs to
one batch size and one state of the output (names and sizes of its record files); a rerun
with either changed starts that target over rather than skipping the wrong records. The file
is replaced atomically (temp file, fsync, ``os.replace``): a crash or SIGKILL leaves the
previous checkpoint, never half of one. Batches acknowledged after the last write are sent
again on resume; they carry the same ``#uuid`` s, so the receiver gets identical copies.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from demogen.errors import ConfigError
from demogen.output._files import UPLOAD_CHECKPOINT_NAME, replace_file

__all__ = ["CHECKPOINT_NAME", "Checkpoint", "TargetProgress", "load_checkpoint",
           "save_checkpoint"]

CHECKPOINT_NAME = UPLOAD_CHECKPOINT_NAME


class TargetProgress(BaseModel):
    """What one receiver acknowledged of one state of the output."""

    model_config = ConfigDict(extra="forbid")

    batch_size: int
    output: str                                  # output_fingerprint()
    acked: list[tuple[int, int]] = Field(default_factory=list)   # [first, last] batch ranges
    sent: list[tuple[int, int]] = Field(default_factory=list)    # ever handed to the network
    records_acked: int = 0

    def acked_set(self) -> set[int]:
        return {i for a, b in self.acked for i in range(a, b + 1)}

    def sent_set(self) -> set[int]:
        return {i for a, b in self.sent for i in range(a, b + 1)}


class Checkpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    targets: dict[str, TargetProgress] = Field(default_factory=dict)


def ranges(indices: set[int]) -> list[tuple[int, int]]:
    """``{0,1,2,5}`` → ``[(0, 2), (5, 5)]``: batches are acknowledged nearly in order, so the
    file stays a few lines long."""
    out: list[tuple[int, int]] = []
    for i in sorted(indices):
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def load_checkpoint(out_dir: Path) -> Checkpoint:
    path = out_dir / CHECKPOINT_NAME
    try:
        return Checkpoint.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return Checkpoint()
    except ValidationError as exc:
        raise ConfigError(f"{path} is not an upload checkpoint ({exc.error_count()} problems);"
                          " delete it to upload everything again") from None


def save_checkpoint(out_dir: Path, checkpoint: Checkpoint) -> None:
    replace_file(out_dir / CHECKPOINT_NAME,
                 checkpoint.model_dump_json(indent=1).encode() + b"\n")
