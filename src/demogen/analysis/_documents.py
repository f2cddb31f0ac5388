"""Rules documents as text, from plain data; light enough for the cache's fast path."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

#: Bump when the rules shape changes; part of the analysis cache key.
RULES_SCHEMA_VERSION = 2


def document_text(data: dict[str, Any], suffix: str) -> str:
    """YAML (for people to edit) or, for ``.json``, JSON."""
    if suffix.lower() == ".json":
        return json.dumps(data, ensure_ascii=False, indent=2)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def write_document(data: dict[str, Any], path: Path) -> None:
    """Write atomically: a temporary file, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(document_text(data, path.suffix), encoding="utf-8")
    tmp.replace(path)
