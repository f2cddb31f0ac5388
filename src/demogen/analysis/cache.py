"""The analysis cache: one analysis per (taxonomy, analyzer, model, product, schema).

Unlike the seed, which cleared its cache on every run, entries are kept until
``--refresh-analysis`` skips them or ``demogen cache clear`` removes them.

Each entry ``analysis_<key>.json`` holds the rules; ``about_<key>.json`` beside it says what
they are for (product, plan, analyzer, when), so ``demogen cache info`` can show more than
hashes. Entries cached before the description existed have none and are still listed.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from demogen.analysis._documents import RULES_SCHEMA_VERSION
from demogen.errors import CacheError, RulesError

if TYPE_CHECKING:     # the fast path of `demogen analyze` must not import pydantic
    from demogen.analysis.rules import Rules
    from demogen.taxonomy import EventTaxonomy, ProductInfo

_PREFIX = "analysis_"
_SOURCE_PREFIX = "source_"
_ABOUT_PREFIX = "about_"
#: The part of an analysis an AI wrote (``RuleOrigin``), for ``analyze --explain``.
_ORIGIN_PREFIX = "origin_"


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached analysis as ``demogen cache info`` lists it."""

    key: str
    path: Path
    #: Bytes of the cached rules.
    size: int
    #: When it was stored (the file's time for entries without a description), UTC.
    cached_at: datetime
    #: The analyzer that made it (the key names it).
    analyzer: str
    product: str | None = None
    industry: str | None = None
    platform: str | None = None
    #: The plan's absolute path when the caller gave it, else the plan's file names.
    plan: str | None = None
    events: int | None = None


def default_cache_dir() -> Path:
    """``$DEMOGEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/demogen``, else ``~/.cache/demogen``."""
    if explicit := os.environ.get("DEMOGEN_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "demogen"


def heuristic_revision() -> str:
    """A hash of the heuristic analyzer's code and word lists.

    Part of the cache key, so that rules cached by an older analyzer are not reused after
    an upgrade. Reading some 30 small files costs about a millisecond.
    """
    package = Path(__file__).parent / "heuristic"
    data = Path(__file__).parent.parent / "data"
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *data.glob("heuristic_*.yaml")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(taxonomy: EventTaxonomy, product: ProductInfo, analyzer: str, model: str,
              prompt: str = "") -> str:
    """Changes whenever the taxonomy, product, analyzer, model, prompt template (AI
    analyzers) or rules schema changes. Without a prompt the key is the one the heuristic
    always had, so its cached analyses stay valid."""
    payload = {
        "taxonomy": taxonomy.content_hash(),
        "product": product.model_dump(mode="json"),
        "analyzer": analyzer,
        "model": model,
        "schema": RULES_SCHEMA_VERSION,
    }
    if prompt:
        payload["prompt"] = prompt
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
        from demogen.analysis.rules import Rules

        data = self.get_data(key)
        if data is None:
            return None
        try:
            return Rules.from_data(data, source=str(self._path(key)))
        except RulesError:
            self._drop(key)
            return None

    def get_data(self, key: str) -> dict[str, Any] | None:
        """The cached rules as the plain data they were validated from, or ``None``."""
        path = self._path(key)
        try:
            data = orjson.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, orjson.JSONDecodeError):
            self._drop(key)
            return None
        return data if isinstance(data, dict) else None

    def _drop(self, key: str) -> None:
        """Remove a corrupt entry and its description."""
        self._path(key).unlink(missing_ok=True)
        for prefix in (_ABOUT_PREFIX, _ORIGIN_PREFIX):
            (self.directory / f"{prefix}{key}.json").unlink(missing_ok=True)

    def put(self, key: str, rules: Rules, *, about: dict[str, Any] | None = None) -> Path:
        """Store ``rules``; ``about`` (:func:`describe`) says what they are for."""
        path = self._path(key)
        self._write(path, rules.to_data())
        if about is not None:
            self._write(self.directory / f"{_ABOUT_PREFIX}{key}.json", about)
        return path

    def put_origin(self, key: str, label: str, rules: Rules) -> None:
        """Note which rules of the entry ``key`` another analyzer (an AI) wrote."""
        self._write(self.directory / f"{_ORIGIN_PREFIX}{key}.json",
                    {"label": label, "rules": rules.model_dump(mode="json",
                                                               exclude_unset=True)})

    def get_origin(self, key: str) -> tuple[str, dict[str, Any]] | None:
        """``(label, rules data)`` noted by :meth:`put_origin`, or ``None``."""
        entry = self._read(self.directory / f"{_ORIGIN_PREFIX}{key}.json")
        label, rules = entry.get("label"), entry.get("rules")
        return (label, rules) if isinstance(label, str) and isinstance(rules, dict) else None

    def remember_source(self, fingerprint: str, key: str, summary: dict[str, Any]) -> None:
        """Note which analysis belongs to these taxonomy files, with a summary to show.

        A later run with byte-identical files finds its rules without reading the
        taxonomy at all (the fast path of ``demogen analyze``).
        """
        self._write(self.directory / f"{_SOURCE_PREFIX}{fingerprint[:40]}.json",
                    {"key": key, "summary": summary})

    def recall_source(self, fingerprint: str) -> tuple[dict[str, Any], str, dict[str, Any]] | None:
        """Rules data, cache key and summary remembered for these files, or ``None``."""
        path = self.directory / f"{_SOURCE_PREFIX}{fingerprint[:40]}.json"
        try:
            entry = orjson.loads(path.read_bytes())
            key, summary = str(entry["key"]), dict(entry["summary"])
        except FileNotFoundError:
            return None
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            path.unlink(missing_ok=True)
            return None
        rules = self.get_data(key)
        return None if rules is None else (rules, key, summary)

    def _write(self, path: Path, data: Any) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
            tmp.replace(path)
        except OSError as exc:
            raise CacheError(
                f"cannot write the analysis cache in {self.directory} ({exc.strerror}); "
                "set DEMOGEN_CACHE_DIR or --cache-dir to a writable folder"
            ) from None

    def clear(self) -> int:
        """Remove every cached analysis; returns how many entries were removed."""
        if not self.directory.is_dir():
            return 0
        removed = 0
        for entry in self.directory.glob(f"{_PREFIX}*.json"):
            entry.unlink(missing_ok=True)
            removed += 1
        for prefix in (_SOURCE_PREFIX, _ABOUT_PREFIX, _ORIGIN_PREFIX):
            for entry in self.directory.glob(f"{prefix}*.json"):
                entry.unlink(missing_ok=True)
        return removed

    def entries(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(f"{_PREFIX}*.json"))

    def describe_entries(self) -> list[CacheEntry]:
        """Every cached analysis with what it is for, newest first."""
        described = [self._entry(path) for path in self.entries()]
        return sorted(described, key=lambda e: (e.cached_at, e.key), reverse=True)

    def _entry(self, path: Path) -> CacheEntry:
        key = path.name[len(_PREFIX):-len(".json")]
        about = self._read(self.directory / f"{_ABOUT_PREFIX}{key}.json")
        if not about:
            # `demogen analyze` remembered a summary of the plan for its fast path.
            about = self._summaries().get(key, {})
        stat = path.stat()
        cached_at = _time(about.get("cached_at")) or datetime.fromtimestamp(stat.st_mtime, UTC)
        return CacheEntry(
            key=key, path=path, size=stat.st_size, cached_at=cached_at,
            analyzer=str(about.get("analyzer") or key.rsplit("_", 1)[0]),
            product=_text(about.get("product") or about.get("product_name")),
            industry=_text(about.get("industry")), platform=_text(about.get("platform")),
            plan=_text(about.get("plan")),
            events=about["events"] if isinstance(about.get("events"), int) else None,
        )

    def _summaries(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for path in self.directory.glob(f"{_SOURCE_PREFIX}*.json"):
            entry = self._read(path)
            if isinstance(entry.get("key"), str) and isinstance(entry.get("summary"), dict):
                found[entry["key"]] = entry["summary"]
        return found

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        return data if isinstance(data, dict) else {}


def describe(taxonomy: EventTaxonomy, product: ProductInfo, analyzer: str, model: str,
             plan: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """What a cache entry is for, as :meth:`AnalysisCache.put` stores it. Without ``plan``
    (its path) the plan is named by the files its events were read from."""
    if plan is None:
        files = sorted({event.source.file for event in taxonomy.events if event.source})
        plan_text = ", ".join(files) or None
    else:
        plan_text = str(plan)
    return {
        "product": product.product_name, "industry": product.industry,
        "platform": product.platform, "plan": plan_text, "events": len(taxonomy.events),
        "analyzer": analyzer, "model": model,
        "cached_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = [
    "AnalysisCache",
    "CacheEntry",
    "cache_key",
    "default_cache_dir",
    "describe",
    "heuristic_revision",
]
