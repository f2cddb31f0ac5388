"""``OUT/manifest.json``: what a run wrote and from what, written last and atomically.

Timings (``started_at``, ``finished_at``) are optional fields, omitted from the file while
``None``. Everything else is a pure function of the inputs, so two runs with the same seed,
taxonomy, rules and options give equal manifests apart from :attr:`Manifest.TIMING_FIELDS`;
compare ``manifest.without_timings()`` (or leave the timings unset to get byte-identical
files).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import to_jsonable_python

from demogen import __version__
from demogen.errors import ConfigError
from demogen.output._files import MANIFEST_NAME, replace_file
from demogen.output._sink import FileStats

__all__ = ["MANIFEST_VERSION", "Manifest", "PlanRecord", "UploadRecord", "read_manifest",
           "record_upload", "write_manifest"]

#: Version of the manifest layout; bump when a field changes meaning.
MANIFEST_VERSION = 1


class PlanRecord(BaseModel):
    """Where the run's plan was and what its files held: ``report`` and ``validate`` name a
    plan that moved or changed since, instead of silently reading another one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str                        # absolute
    fingerprint: str | None = None   # SHA-256 of the plan's files and product.json
    product_name: str = ""
    industry: str = ""
    platform: str = ""


class UploadRecord(BaseModel):
    """The last ``demogen upload`` of this output to one receiver and project (APPID masked)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    receiver: str
    appid: str
    records: int
    acknowledged: int
    complete: bool
    finished_at: datetime | None = None


class Manifest(BaseModel):
    """A run's record: versions, inputs (hashes), options, files and counts.

    Usage::

        manifest = Manifest(seed=7, taxonomy_hash=t, rules_hash=r, options={"users": 1000},
                            files=summary.files, records_by_type={"track": 120, "user_set": 9},
                            users=1000)
        write_manifest(out_dir, manifest)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    TIMING_FIELDS: ClassVar[frozenset[str]] = frozenset({"started_at", "finished_at"})

    manifest_version: int = MANIFEST_VERSION
    demogen_version: str = __version__
    seed: int
    options: dict[str, Any] = Field(default_factory=dict)
    taxonomy_hash: str
    rules_hash: str
    plan: PlanRecord | None = None
    files: dict[str, FileStats] = Field(default_factory=dict)
    records_by_type: dict[str, int] = Field(default_factory=dict)
    users: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    uploads: dict[str, UploadRecord] = Field(default_factory=dict)   # left out while empty

    @field_validator("options", mode="after")
    @classmethod
    def _jsonable_options(cls, options: dict[str, Any]) -> dict[str, Any]:
        """Store options in their JSON form (paths → strings, dates → ISO text), so a
        manifest equals itself after a round trip through the file."""
        return to_jsonable_python(options)

    @property
    def records(self) -> int:
        return sum(self.records_by_type.values())

    def without_timings(self) -> Manifest:
        return self.model_copy(update=dict.fromkeys(self.TIMING_FIELDS))

    def to_json(self) -> bytes:
        """Sorted keys, indent 2, trailing newline; ``None`` timings left out."""
        unset = {name for name in self.TIMING_FIELDS if getattr(self, name) is None}
        if not self.uploads:
            unset.add("uploads")
        data = self.model_dump(mode="json", exclude=unset)
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def write_manifest(out_dir: str | os.PathLike[str], manifest: Manifest) -> Path:
    """Write ``OUT/manifest.json`` atomically (temp file, fsync, ``os.replace``)."""
    final = Path(out_dir) / MANIFEST_NAME
    replace_file(final, manifest.to_json())
    return final


def record_upload(out_dir: str | os.PathLike[str], key: str, record: UploadRecord) -> None:
    """Note an upload in ``OUT/manifest.json`` (one entry per receiver and project)."""
    manifest = read_manifest(out_dir)
    write_manifest(out_dir, manifest.model_copy(
        update={"uploads": {**manifest.uploads, key: record}}))


def read_manifest(out_dir: str | os.PathLike[str]) -> Manifest:
    """Load ``OUT/manifest.json``; :class:`ConfigError` if missing or not a demogen manifest."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError(
            f"{path} does not exist; the folder holds no finished demogen output"
        ) from None
    except ValidationError as exc:
        raise ConfigError(f"{path} is not a valid demogen manifest:\n{exc}") from None
