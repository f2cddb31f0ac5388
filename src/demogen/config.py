"""``demogen.yaml``: every ``demogen generate`` option in a file, layered with pydantic-settings.

:class:`GenerateConfig` is the one list of a run's options: its fields are named like the
CLI's options (``--id-prefix`` → ``id_prefix``, ``TAXONOMY`` → ``taxonomy``), the CLI passes
what was typed, the Python API passes its keyword arguments, and the wizard writes a file of
them. :func:`load_config` layers them, first found wins::

    the command line  >  DEMOGEN_* environment variables  >  demogen.yaml  >  defaults

Example ``demogen.yaml``::

    taxonomy: taxonomy.xlsx      # paths are relative to this file's folder
    output: out
    users: 500
    start: 2025-01-06
    days: 14
    seed: 7
    segment_mix: {NEW_USER: 0.3, ACTIVE_USER: 0.4, POWER_USER: 0.3}
    market: {US: 0.6, KR: 0.4}   # or: market: KR

An unknown key is a :class:`~demogen.errors.ConfigError` naming the key, the file, its line
and the closest valid key.
"""

from __future__ import annotations

import difflib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from demogen.analysis._locate import key_lines, key_path, line_of
from demogen.errors import ConfigError
from demogen.simulation.mixes import parse_market, parse_segment_mix
from demogen.simulation.segments import CustomSegment
from demogen.vocab import Segment

if TYPE_CHECKING:
    from demogen.analysis.ai import AIOptions
    from demogen.pipeline import GenerateOptions, Prepared

__all__ = ["CONFIG_NAME", "ENV_PREFIX", "GenerateConfig", "load_config", "write_config"]

CONFIG_NAME = "demogen.yaml"
ENV_PREFIX = "DEMOGEN_"
#: Keys holding local paths: in a file they are relative to the file's folder.
_PATH_KEYS = ("taxonomy", "rules", "cache_dir", "debug_users", "output")


class GenerateConfig(BaseModel):
    """Every option of ``demogen generate``, with its CLI default.

    Example::

        GenerateConfig(taxonomy=Path("examples/game"), output="out/game", users=500, days=14)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    taxonomy: Path | None = Field(None, description="The plan (TAXONOMY): a folder or a file.")
    output: str = Field("out", description="Output folder, or an fsspec URL (-o).")
    rules: Path | None = Field(None, description="Rules merged over the analysis.")
    users: int | None = Field(None, ge=1, description="Distinct users (default 2,000).")
    start: date | None = Field(None, description="First day (default: DAYS ending yesterday).")
    days: int = Field(30, ge=1, description="Number of days.")
    seed: int = Field(0, ge=0, description="Random seed: same inputs, same bytes.")
    preset: str | None = Field(None, description="Behaviour preset (default: the industry's).")
    gzip: bool = Field(False, description="Write .jsonl.gz files.")
    workers: int = Field(1, ge=1, description="Worker processes (same bytes).")
    engine: str = Field("local", description="local or dask.")
    scheduler: str | None = Field(None, description="Dask scheduler address.")
    layout: str = Field("days", description="days or parts.")
    overwrite: bool = Field(False, description="Replace a previous output.")
    id_prefix: str | None = Field(None, description="Prefix of every #account_id/#distinct_id.")
    debug_users: Path | None = Field(None, description="Per-user trace file (JSONL or CSV).")
    target: str | None = Field(None, description="KPI targets, e.g. d1=0.40,d7=0.15.")
    calibration_users: int = Field(4_000, ge=50, description="Users per calibration sample.")
    industry: str | None = Field(None, description="Override product.json's industry.")
    platform: str | None = Field(None, description="Override product.json's platform.")
    product_name: str | None = Field(None, description="Override product.json's name.")
    refresh_analysis: bool = Field(False, description="Analyse again, ignoring the cache.")
    cache_dir: Path | None = Field(None, description="Analysis cache folder.")
    ai: str = Field("auto", description="Who analyses the plan: heuristic, openai, "
                    "anthropic or auto (--ai; docs/ai.md).")
    model: str | None = Field(None, description="The AI model (--model).")
    base_url: str | None = Field(None, description="An OpenAI-compatible server (--base-url).")
    strict_ai: bool = Field(False, description="Exit when the AI provider fails.")
    max_cost: float | None = Field(None, ge=0, description="AI cost ceiling in USD.")
    ai_review: bool = Field(False, description="Let the AI revise its rules once after a "
                            "sample run (--ai-review; docs/ai.md).")
    quiet: bool = Field(False, description="Print only errors and results.")
    verbose: bool = Field(False, description="Also print details.")
    segments: tuple[CustomSegment, ...] = Field(
        (), description="Custom segments (name, share, engagement, activity, spend, events).")
    # NoDecode: DEMOGEN_SEGMENT_MIX=POWER_USER=0.5,… reads like the option, not as JSON.
    segment_mix: Annotated[dict[Segment, float] | None, NoDecode] = Field(
        None, description="Starting segments of the existing users, e.g. NEW_USER=0.3,"
        "ACTIVE_USER=0.4 (names in any case; shares normalised; segments not named get none; "
        "default: the seed's mix).")
    market: Annotated[dict[str, float] | None, NoDecode] = Field(
        None, description="Where users come from: ISO codes with shares, e.g. KR or "
        "US=0.6,KR=0.4 (default: the plan's country enums, else a worldwide mix).")

    @field_validator("output", mode="before")
    @classmethod
    def _output_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, Path) else value

    @field_validator("target", mode="before")
    @classmethod
    def _targets_as_text(cls, value: Any) -> Any:
        """``target: {d1: 0.4, d7: 0.15}`` in a file reads like ``--target d1=0.4,d7=0.15``."""
        if isinstance(value, dict):
            return ",".join(f"{k}={v}" for k, v in value.items())
        return value

    @field_validator("segment_mix", mode="before")
    @classmethod
    def _segment_mix(cls, value: Any) -> Any:
        """``--segment-mix power_user=0.5,…`` and ``segment_mix: {POWER_USER: 0.5}`` alike."""
        return value if value is None else parse_segment_mix(value)

    @field_validator("market", mode="before")
    @classmethod
    def _market(cls, value: Any) -> Any:
        """``--market KR``, ``--market US=0.6,KR=0.4`` and ``market: {US: 0.6}`` alike."""
        return value if value is None else parse_market(value)

    def generate_options(self) -> GenerateOptions:
        """The pipeline's options (``--target`` parsed and checked against the window)."""
        from demogen.pipeline import GenerateOptions

        targets = None
        if self.target is not None:
            from demogen.pipeline.calibrate import check_targets, parse_targets

            targets = parse_targets(self.target)
            check_targets(targets, days=self.days, users_given=self.users is not None,
                          revenue_events=True)
        return GenerateOptions(
            output=self.output, users=self.users, start=self.start, days=self.days,
            seed=self.seed, preset=self.preset, gzip=self.gzip, workers=self.workers,
            engine=self.engine, scheduler=self.scheduler, layout=self.layout,
            overwrite=self.overwrite, targets=targets,
            calibration_users=self.calibration_users, id_prefix=self.id_prefix,
            debug_users=self.debug_users, segments=self.segments,
            segment_mix=self.segment_mix, market=self.market)

    def plan(self) -> Path:
        if self.taxonomy is None:
            raise ConfigError("no plan: give TAXONOMY (demogen generate PLAN) or "
                              f"'taxonomy:' in {CONFIG_NAME}")
        return self.taxonomy

    def prepare(self) -> Prepared:
        """:func:`demogen.pipeline.prepare` with this config's plan, rules and overrides."""
        from demogen.pipeline import prepare

        return prepare(self.plan(), rules_path=self.rules, industry=self.industry,
                       platform=self.platform, product_name=self.product_name,
                       refresh=self.refresh_analysis, cache_dir=self.cache_dir,
                       ai=self.ai_options())

    def ai_options(self) -> AIOptions:
        """The analyzer options (``--ai``, ``--model`` …), as ``generate`` passes them."""
        from demogen.analysis.ai import AIOptions

        return AIOptions(ai=self.ai, model=self.model, base_url=self.base_url,
                         strict=self.strict_ai, max_cost=self.max_cost)

    def to_file_data(self, folder: Path | None = None) -> dict[str, Any]:
        """The options that differ from the defaults, as ``demogen.yaml`` holds them; paths
        under ``folder`` are written relative to it."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        if folder is not None:
            for key in _PATH_KEYS:
                if key in data and not _is_url(str(data[key])):
                    data[key] = _relative(Path(data[key]), folder)
        return data


def _layered(cli: dict[str, Any], file_data: dict[str, Any]) -> type[BaseSettings]:
    """:class:`GenerateConfig` read from ``cli``, then ``DEMOGEN_*``, then ``file_data``
    (a class per call: pydantic-settings takes its sources from the class)."""

    class Layered(BaseSettings, GenerateConfig):
        model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="forbid", frozen=True)

        @classmethod
        def settings_customise_sources(
            cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (InitSettingsSource(settings_cls, cli), env_settings,
                    InitSettingsSource(settings_cls, file_data))

    return Layered


def load_config(path: Path | None = None, *, given: dict[str, Any] | None = None,
                environ: bool = True) -> GenerateConfig:
    """The run's options: ``given`` (what the command line said) over ``DEMOGEN_*``
    environment variables (unless ``environ`` is false) over the file at ``path`` over the
    defaults. Every problem is a :class:`ConfigError` saying where it came from."""
    cli = dict(given or {})
    file_data, lines = read_config_file(path) if path is not None else ({}, {})
    if not environ:
        return _validated(lambda: GenerateConfig(**{**file_data, **cli}), cli, file_data,
                          lines, path)
    layered = _validated(_layered(cli, file_data), cli, file_data, lines, path)
    return GenerateConfig(**dict(layered))


def read_config_file(path: Path) -> tuple[dict[str, Any], dict[tuple[str, ...], int]]:
    """The file's options (unknown keys refused, paths made relative to the file) and the
    line of each key."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file is a mapping of option: value, "
                          f"got {type(data).__name__}")
    lines = key_lines(text)
    problems = [_unknown(str(key), path, lines) for key in data
                if str(key) not in GenerateConfig.model_fields]
    if problems:
        raise ConfigError("\n".join(problems))
    for key in _PATH_KEYS:
        value = data.get(key)
        if isinstance(value, str) and not _is_url(value) and not Path(value).is_absolute():
            data[key] = str(path.parent / value)
    return data, lines


def write_config(config: GenerateConfig, path: Path) -> None:
    """``config`` as ``demogen.yaml`` at ``path`` (only what differs from the defaults)."""
    data = config.to_file_data(path.parent)
    header = ("# demogen generate --config demogen.yaml repeats this run; options given on "
              "the command line\n# or as DEMOGEN_* environment variables take precedence.\n")
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")


def _unknown(key: str, path: Path, lines: dict[tuple[str, ...], int]) -> str:
    line = lines.get((key,))
    where = f"{path}, line {line}" if line else str(path)
    return f"{where}: unknown key '{key}'{_closest(key)}"


def _closest(key: str) -> str:
    close = difflib.get_close_matches(key.replace("-", "_"), list(GenerateConfig.model_fields),
                                      n=1, cutoff=0.6)
    return (f"; did you mean '{close[0]}'?" if close else
            f"; valid keys: {', '.join(GenerateConfig.model_fields)}")


def _validated(build: Any, cli: dict[str, Any], file_data: dict[str, Any],
               lines: dict[tuple[str, ...], int], path: Path | None) -> Any:
    try:
        return build()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            key = str(loc[0]) if loc else ""
            if key in cli:
                where = f"--{key.replace('_', '-')}"
            elif key in file_data and path is not None:
                line = line_of(lines, loc)
                where = f"{path}{f', line {line}' if line else ''}: {key_path(loc)}"
            else:
                where = f"{ENV_PREFIX}{key.upper()}" if key else "config"
            if error["type"] == "extra_forbidden":
                problems.append(f"unknown key '{key}'{_closest(key)}")
            elif error["type"] == "value_error":    # our own message, without pydantic's prefix
                problems.append(f"{where}: {error['ctx']['error']}")
            else:
                problems.append(f"{where}: {error['msg']}")
        raise ConfigError("\n".join(problems)) from None


def _is_url(text: str) -> bool:
    return "://" in text


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.resolve())
