"""demogen as a library: the commands as functions, returning typed results.

Each function takes the command's options as keyword arguments named like the CLI's
(``--id-prefix`` → ``id_prefix``) and runs the same pipeline steps
(:mod:`demogen.pipeline`): the CLI only adds printing. Nothing here prints or exits; bad
input raises :class:`demogen.errors.DemogenError` (``ConfigError``, ``TaxonomyError`` …).

Example::

    import demogen

    run = demogen.generate("examples/game", output="out/game", users=500, days=14, seed=1)
    print(run.counts["track"], run.files)
    check = demogen.validate(run.output)
    assert check.ok
    kpis = demogen.report(run.output, html="out/game-report.html").kpis
    print(kpis["d1_retention"], kpis["dau_mean"])

The heavy imports happen inside the functions: ``import demogen`` stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from demogen.analysis.rules import Rules
    from demogen.config import GenerateConfig
    from demogen.pipeline import GenerateResult, Prepared
    from demogen.taxonomy import ProductInfo
    from demogen.validate import ValidationReport

__all__ = ["Analysis", "Generated", "Report", "Validation", "analyze", "generate", "report",
           "validate"]

PathLike = str | Path


@dataclass(frozen=True)
class Analysis:
    """A plan read and analysed (:func:`analyze`)."""

    plan: Path                       #: the plan, absolute
    product: ProductInfo             #: name, industry (inferred when product.json is silent)
    rules: Rules                     #: what the generator will follow (edit, save, pass back)
    events: int                      #: events in the plan
    properties: int                  #: event and user properties in the plan
    warnings: tuple[str, ...]        #: what the reader noticed about the plan
    not_generated: dict[str, str]    #: plan events never generated → why
    cache_hit: bool                  #: the analysis came from the cache


@dataclass(frozen=True)
class Generated:
    """A finished run (:func:`generate`)."""

    output: str                      #: the output folder (or URL)
    files: tuple[str, ...]           #: the day files written, by name
    counts: dict[str, int]           #: records by ``#type`` (track, user_set …)
    users: int
    start: str                       #: first day, ISO
    days: int
    preset: str
    seconds: float
    bytes_written: int
    measured: dict[str, float | None] = field(default_factory=dict)  #: KPIs vs --target
    result: GenerateResult | None = field(default=None, repr=False)  #: the pipeline's own


@dataclass(frozen=True)
class Validation:
    """What :func:`validate` found."""

    output: Path
    ok: bool                         #: no violations
    records: int
    users: int
    violations: dict[str, int]       #: check → violations (0 for a check that passed)
    examples: dict[str, list[str]]   #: check → a few offending records, as text
    notes: tuple[str, ...]
    report: ValidationReport | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Report:
    """What :func:`report` measured and wrote."""

    output: Path
    html: Path | None                #: the HTML page, when asked for
    kpis: dict[str, Any]             #: every KPI as ``demogen report --json`` writes it
    preset: str | None               #: the vertical whose bands mark the KPIs


def analyze(plan: PathLike, *, rules: PathLike | None = None, industry: str | None = None,
            platform: str | None = None, product_name: str | None = None,
            refresh_analysis: bool = False, cache_dir: PathLike | None = None) -> Analysis:
    """Read ``plan`` and analyse it, like ``demogen analyze PLAN``.

    ``rules`` is merged over the analysis (``--rules``); ``industry``, ``platform`` and
    ``product_name`` override product.json. Raises ``TaxonomyError`` with every problem of
    the plan at once.
    """
    from demogen.pipeline import prepare
    from demogen.simulation.unreached import never_generated

    prepared = prepare(Path(plan), rules_path=_path(rules), industry=industry,
                       platform=platform, product_name=product_name,
                       refresh=refresh_analysis, cache_dir=_path(cache_dir))
    taxonomy = prepared.taxonomy
    return Analysis(
        plan=prepared.plan, product=prepared.product, rules=prepared.rules,
        events=len(taxonomy.events),
        properties=len(taxonomy.properties) + len(taxonomy.common_properties)
        + len(taxonomy.user_properties),
        warnings=tuple(taxonomy.warnings),
        not_generated=never_generated(taxonomy, prepared.rules),
        cache_hit=prepared.analysis.cache_hit)


def generate(plan: PathLike | None = None, *, config: PathLike | None = None,
             **options: Any) -> Generated:
    """Simulate users from ``plan`` and write ThinkingData JSONL, like ``demogen generate``.

    ``options`` are ``generate``'s options by their CLI names: ``output`` (default
    ``"out"``), ``users``, ``start`` (a date or ``"YYYY-MM-DD"``), ``days``, ``seed``,
    ``overwrite``, ``gzip``, ``id_prefix``, ``rules``, ``preset``, ``industry``, ``target``
    (``"d1=0.4,dau=500"``), ``market`` (``"KR"``, ``"US=0.6,KR=0.4"`` or a dict),
    ``segment_mix`` (``"POWER_USER=0.5,ACTIVE_USER=0.5"`` or a dict), ``workers``,
    ``layout``, ``segments`` … (see
    :class:`demogen.config.GenerateConfig`). ``config`` names a ``demogen.yaml`` whose
    values the keyword arguments override; unlike the CLI, ``DEMOGEN_*`` environment
    variables are not read.
    """
    from demogen.config import load_config

    given = {key: value for key, value in options.items()}
    if plan is not None:
        given["taxonomy"] = Path(plan)
    settings = load_config(_path(config), given=given, environ=False)
    return _run(settings)


def _run(settings: GenerateConfig) -> Generated:
    from demogen.pipeline import generate as run_pipeline
    from demogen.pipeline import simulation_config

    options = settings.generate_options()
    prepared: Prepared = settings.prepare()
    simulation_config(prepared, options)          # every check before any work, as the CLI
    result = run_pipeline(prepared, options)
    config = result.config
    return Generated(
        output=result.output, files=tuple(sorted(result.summary.files)), counts=result.counts,
        users=config.users, start=config.start.isoformat(), days=config.days,
        preset=config.preset, seconds=result.seconds, bytes_written=result.bytes_written,
        measured=dict(result.measured), result=result)


def validate(output: PathLike, *, taxonomy: PathLike | None = None,
             rules: PathLike | None = None, memory_limit: str = "2GB",
             workers: int | None = None, industry: str | None = None,
             platform: str | None = None, product_name: str | None = None,
             refresh_analysis: bool = False, cache_dir: PathLike | None = None) -> Validation:
    """Check every record and every user of ``output``, like ``demogen validate OUTPUT``.

    Against the run's own saved plan and rules, or ``taxonomy`` (``--taxonomy``) when
    given. A run with violations is not an exception: look at ``ok`` and ``violations``.
    """
    from demogen.validate import CHECKS, validate_output

    folder = Path(output)
    inputs = _inputs(folder, taxonomy, rules, industry, platform, product_name,
                     refresh_analysis, cache_dir)
    found = validate_output(folder, rules=inputs.written_rules(), workers=workers,
                            memory_limit=memory_limit, max_past_days=_past_days(inputs),
                            plan=inputs.taxonomy)
    checked = [check for check in CHECKS if check in found.checks]
    return Validation(
        output=folder, ok=found.ok, records=found.records, users=found.users,
        violations={check: found.count(check) for check in checked},
        examples={check: [str(i) for i in found.examples(check)] for check in checked
                  if found.count(check)},
        notes=tuple(found.notes), report=found)


def report(output: PathLike, *, html: PathLike | None = None, json: PathLike | None = None,
           taxonomy: PathLike | None = None, rules: PathLike | None = None,
           preset: str | None = None, industry: str | None = None,
           platform: str | None = None, product_name: str | None = None,
           refresh_analysis: bool = False, cache_dir: PathLike | None = None) -> Report:
    """Compute the KPIs of ``output`` (DuckDB), like ``demogen report OUTPUT``.

    ``html`` writes the report page (``-o``), ``json`` the KPIs (``--json``); ``preset``
    picks the vertical whose bands mark them (default: the run's).
    """
    import orjson

    from demogen.report import compute_report, render_html
    from demogen.simulation.presets import load_preset, preset_for_industry

    folder = Path(output)
    inputs = _inputs(folder, taxonomy, rules, industry, platform, product_name,
                     refresh_analysis, cache_dir)
    product = inputs.product.product_name if inputs.product else folder.resolve().name
    industry_name = inputs.product.industry if inputs.product else None
    name = preset or inputs.preset or (
        preset_for_industry(industry_name) if industry_name else None)
    data = compute_report(folder, rules=inputs.written_rules(), product=product,
                          preset=load_preset(str(name)) if name else None,
                          listed=inputs.listed())
    if html is not None:
        Path(html).write_text(render_html(data), encoding="utf-8")
    if json is not None:
        Path(json).write_bytes(orjson.dumps(data.kpis, option=orjson.OPT_INDENT_2
                                            | orjson.OPT_SORT_KEYS) + b"\n")
    kpis = orjson.loads(orjson.dumps(data.kpis))   # plain JSON values, as --json has them
    return Report(output=folder, html=_path(html), kpis=kpis, preset=name)


def _inputs(folder: Path, taxonomy: PathLike | None, rules: PathLike | None,
            industry: str | None, platform: str | None, product_name: str | None,
            refresh: bool, cache_dir: PathLike | None) -> Any:
    """What ``report`` and ``validate`` check against, as ``cli._load.run_inputs_for``."""
    from demogen.pipeline import prepare, run_inputs

    prepared = None
    if taxonomy is not None:
        prepared = prepare(Path(taxonomy), rules_path=_path(rules), industry=industry,
                           platform=platform, product_name=product_name, refresh=refresh,
                           cache_dir=_path(cache_dir))
    return run_inputs(folder, prepared=prepared, rules_path=_path(rules), industry=industry,
                      platform=platform, product_name=product_name)


def _past_days(inputs: Any) -> int:
    """ThinkingEngine's receive window, widened for a run that starts further back."""
    from datetime import date

    from demogen.validate import LIMITS

    past = int(LIMITS["past_days"])
    if inputs.first_day is not None and (date.today() - inputs.first_day).days > past:
        past = (date.today() - inputs.first_day).days + 2
    return past


def _path(value: PathLike | None) -> Path | None:
    return Path(value) if value is not None else None
