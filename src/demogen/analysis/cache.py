"""The analysis cache: one analysis per (taxonomy, analyzer, model, product, schema).

Unlike the seed, which cleared its cache on every run, entries are kept until
``--refresh-analysis`` skips them or ``demogen cache clear`` removes them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import orjson

from demogen.analysis.rules import RULES_SCHEMA_VERSION, Rules
from demogen.errors import CacheError, RulesError
from demogen.taxonomy import EventTaxonomy, ProductInfo

_PREFIX = "analysis_"


def default_cache_dir() -> Path:
    """``$DEMOGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/demogen``, else ``~/.cache/demogen``."""
    if explicit := os.environ.get("DEMOGEN_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "demogen"


def cache_key(taxonomy: EventTaxonomy, product: ProductInfo, analyzer: str, model: str) -> str:
    """Changes whenever the taxonomy, product, analyzer, model or rules schema changes."""
    payload = {
        "taxonomy": taxonomy.content_hash(),
        "product": product.model_dump(mode="json"),
        "analyzer": analyzer,
        "model": model,
        "schema": RULES_SCHEMA_VERSION,
    }
    digest = hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"{analyzer}_{digest[:32]}"


class AnalysisCache:
    """Rules stored as JSON files in one folder, written atomically."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory or default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.directory / f"{_PREFIX}{key}.json"

    def get(self, key: str) -> Rules | None:
        """The cached rules, or ``None``. A corrupt entry counts as a miss and is removed."""
        path = self._path(key)
        try:
            data = orjson.loads(path.read_bytes())
            return Rules.from_data(data, source=str(path))
        except FileNotFoundError:
            return None
        except (OSError, orjson.JSONDecodeError, RulesError):
            path.unlink(missing_ok=True)
            return None

    def put(self, key: str, rules: Rules) -> Path:
        path = self._path(key)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(orjson.dumps(rules.to_data(), option=orjson.OPT_INDENT_2))
            tmp.replace(path)
        except OSError as exc:
            raise CacheError(
                f"cannot write the analysis cache in {self.directory} ({exc.strerror}); "
                "set DEMOGEN_CACHE_DIR or --cache-dir to a writable folder"
            ) from None
        return path

    def clear(self) -> int:
        """Remove every cached analysis; returns how many entries were removed."""
        if not self.directory.is_dir():
            return 0
        removed = 0
        for entry in self.directory.glob(f"{_PREFIX}*.json"):
            entry.unlink(missing_ok=True)
            removed += 1
        return removed

    def entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"{_PREFIX}*.json"))


__all__ = ["AnalysisCache", "cache_key", "default_cache_dir"]
