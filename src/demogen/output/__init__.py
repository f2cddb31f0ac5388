"""Write serialized records: the :class:`OutputSink` seam, daily JSONL files, the manifest."""

from demogen.output._daily import (
    DailyJsonlSink,
    concat_parts,
    part_file_name,
    prepare_output_dir,
    publish_parts,
)
from demogen.output._manifest import (
    MANIFEST_VERSION,
    Manifest,
    PlanRecord,
    read_manifest,
    write_manifest,
)
from demogen.output._remote import RemoteOutput, is_url, staged_output
from demogen.output._sink import FileStats, MemorySink, OutputSink, OutputSummary, day_file_name

__all__ = [
    "MANIFEST_VERSION",
    "DailyJsonlSink",
    "FileStats",
    "Manifest",
    "MemorySink",
    "OutputSink",
    "OutputSummary",
    "PlanRecord",
    "RemoteOutput",
    "concat_parts",
    "day_file_name",
    "is_url",
    "part_file_name",
    "prepare_output_dir",
    "publish_parts",
    "read_manifest",
    "staged_output",
    "write_manifest",
]
