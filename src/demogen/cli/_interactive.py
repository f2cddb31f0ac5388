"""``demogen interactive``: a wizard that asks for a run, shows what demogen understood,
runs it, and saves the answers as ``demogen.yaml`` (``generate --config`` repeats the run
byte for byte).

It only asks and prints: the answers become a :class:`demogen.config.GenerateConfig`, and
the run goes through the same pipeline steps as ``demogen generate``.
"""

from __future__ import annotations

import shlex
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import typer

from demogen.cli._console import err, out, reports_errors, warn

#: Custom segments the wizard offers, with the share it suggests (the seed's "future"
#: segments: weekend warriors, early-morning users, high spenders).
SEGMENT_TEMPLATES: dict[str, dict[str, Any]] = {
    "weekend_warriors": {"share": 0.15, "activity": "weekend_only"},
    "early_morning_users": {"share": 0.10, "activity": "early_morning"},
    "night_owls": {"share": 0.10, "activity": "night_owl"},
    "high_spenders": {"share": 0.05, "spend": 4.0, "engagement": 1.5},
}
_STYLE_HINT = "(↑/↓ to move, Enter to choose)"


@reports_errors
def interactive() -> None:
    """Answer a few questions and get data: plan, product, market, users and window,
    segment mix, custom segments, output folder; shows the analysis, runs it and saves
    demogen.yaml."""
    import questionary

    from demogen.config import CONFIG_NAME, GenerateConfig, write_config
    from demogen.simulation.config import DEFAULT_SEGMENT_MIX
    from demogen.simulation.mixes import format_mix, parse_market, parse_segment_mix
    from demogen.simulation.presets import preset_names

    loaded, plan = _ask_plan(questionary)
    product = loaded.product
    industries = list(preset_names())
    inferred = product.industry if product.industry in industries else "generic"
    industry = _ask(questionary.select(
        f"Industry {_STYLE_HINT}", choices=industries, default=inferred))
    name = _ask(questionary.text("Product name:", default=product.product_name or ""))
    market = _ask(questionary.text(
        "Market: ISO codes, e.g. KR or US=0.6,KR=0.4 (Enter: the plan's countries, else a "
        "worldwide mix):", validate=partial(_parsed, parse_market)))
    ai, model, base_url = _ask_analyzer(questionary)
    users = int(_ask(questionary.text("Users:", default="1000", validate=_whole)))
    days = int(_ask(questionary.text("Days:", default="14", validate=_whole)))
    start = _ask(questionary.text(
        "First day (YYYY-MM-DD):", default=_suggested_start(days).isoformat(),
        validate=_day))
    segment_mix = _ask(questionary.text(
        "Segment mix of the users who exist before the window (Enter keeps it):",
        default=format_mix(DEFAULT_SEGMENT_MIX), validate=partial(_parsed, parse_segment_mix)))
    segments = _ask_segments(questionary)
    output = _ask(questionary.text("Output folder:", default="out"))
    overwrite = False
    folder = Path(output)
    if folder.is_dir() and any(folder.iterdir()):
        overwrite = _ask(questionary.confirm(
            f"{output} is not empty: replace a previous demogen output there?", default=False))
        if not overwrite:
            raise typer.Exit(code=1)
    config = GenerateConfig(
        taxonomy=plan, output=output, users=users, days=days,
        start=datetime.strptime(start.strip(), "%Y-%m-%d").date(),
        industry=industry if industry != product.industry else None,
        product_name=name if name and name != product.product_name else None,
        overwrite=overwrite, segments=tuple(segments), ai=ai, model=model, base_url=base_url,
        market=market.strip() or None,
        segment_mix=_changed(segment_mix, DEFAULT_SEGMENT_MIX))
    _run(questionary, config, CONFIG_NAME, write_config)


def _run(questionary: Any, config: Any, config_name: str, write_config: Any) -> None:
    from demogen.cli._analyze import _print_summary, _summary, plan_notes
    from demogen.cli._generate import _print_next_steps
    from demogen.cli._generate import _print_summary as _print_run
    from demogen.cli._progress import progress_bar, step_spinner
    from demogen.pipeline import generate, simulation_config

    with step_spinner("analysing the plan", quiet=False):
        prepared = config.prepare()
    options = config.generate_options()
    _, window_warnings = simulation_config(prepared, options)   # checked before asking
    summary = _summary(prepared)
    _print_summary(summary, prepared.rules.to_data())
    for line in plan_notes(summary):      # the industry inferred, events never generated
        err.print(line, markup=False, highlight=False)
    for message in window_warnings:
        warn(message)
    saved = Path(_ask(questionary.text("Save these answers to:", default=config_name)))
    if not _ask(questionary.confirm(
            f"Generate {config.users:,} users × {config.days} days into {config.output}?",
            default=True)):
        write_config(config, saved)
        err.print(f"saved {saved}; run it later with: demogen generate --config "
                  f"{shlex.quote(str(saved))}", markup=False, highlight=False)
        return
    write_config(config, saved)
    result = generate(prepared, options, progress=partial(progress_bar, quiet=False),
                      say=lambda message: err.print(message, markup=False, highlight=False))
    _print_run(result)
    for name in sorted(result.summary.files):
        out.print(f"  {Path(result.output) / name}", markup=False, highlight=False)
    err.print(f"saved {saved}: demogen generate --config {shlex.quote(str(saved))} repeats "
              "this run", markup=False, highlight=False)
    _print_next_steps(result)


def _suggested_start(days: int) -> date:
    """A window that ends two days back (as demogen init's): on "yesterday", users west of
    UTC are still living its evening for the first hours of the UTC day."""
    return date.today() - timedelta(days=days + 2)


def _ask_analyzer(questionary: Any) -> tuple[str, str | None, str | None]:
    """Who analyses the plan: ``(ai, model, base_url)``. A provider without its key asks
    for it (hidden) and offers to keep it in ./.env, never in demogen.yaml."""
    import os

    from demogen.analysis.ai._settings import read_environment

    env = read_environment()
    found = [name for name in _KEYS.values() if env.get(name)]
    choices = [questionary.Choice("offline heuristic (no key, no network)", value="heuristic"),
               questionary.Choice(f"auto ({', '.join(found) or 'no key'} found)", value="auto"),
               questionary.Choice("OpenAI", value="openai"),
               questionary.Choice("Anthropic", value="anthropic"),
               questionary.Choice("an OpenAI-compatible server (Ollama, vLLM, llama.cpp)",
                                  value="local")]
    ai = _ask(questionary.select(f"Analyzer {_STYLE_HINT}", choices=choices,
                                 default="auto" if found else "heuristic"))
    if ai == "local":
        url = _ask(questionary.text("Server URL:", default="http://127.0.0.1:11434/v1"))
        model = _ask(questionary.text("Model:", default="llama3.1"))
        return "openai", model or None, url
    if ai in _KEYS and not env.get(_KEYS[ai]):
        variable = _KEYS[ai]
        key = _ask(questionary.password(f"{variable} (hidden):"))
        if _ask(questionary.confirm(f"Keep {variable} in ./.env for next time?",
                                    default=False)):
            from dotenv import set_key

            set_key(str(Path(".env")), variable, key)
            err.print(f"saved {variable} in .env", markup=False, highlight=False)
        os.environ[variable] = key   # this run's SDK reads it; demogen.yaml never holds it
    return ai, None, None


_KEYS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


def _ask_plan(questionary: Any) -> tuple[Any, Path]:
    """The plan's path, asked again with the reader's message until it reads."""
    from demogen.errors import DemogenError
    from demogen.taxonomy import load_taxonomy

    while True:
        text = _ask(questionary.path("Tracking plan (a folder or an .xlsx/.csv/.json/.yaml "
                                     "file):"))
        plan = Path(text.strip()).expanduser()
        if not text.strip():
            err.print("[red]give the path of the plan[/]", highlight=False)
            continue
        try:
            return load_taxonomy(plan), plan
        except DemogenError as exc:
            err.print(f"[red]error:[/] {exc}", highlight=False, markup=True)
            err.print("try again (Ctrl-C to stop)", markup=False, highlight=False)


def _ask_segments(questionary: Any) -> list[dict[str, Any]]:
    """Custom segments from the templates, each share editable."""
    chosen = _ask(questionary.checkbox(
        "Custom segments (Space to pick, Enter when done; none is fine):",
        choices=[questionary.Choice(f"{name}  ({_shown(spec)})", value=name)
                 for name, spec in SEGMENT_TEMPLATES.items()]))
    segments = []
    for name in chosen:
        spec = SEGMENT_TEMPLATES[name]
        share = float(_ask(questionary.text(f"Share of users in {name} (0–1):",
                                            default=str(spec["share"]), validate=_share)))
        segments.append({"name": name, **spec, "share": share})
    return segments


def _shown(spec: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in spec.items())


def _ask(question: Any) -> Any:
    """The answer, or exit 130 on Ctrl-C (questionary returns None then)."""
    answer = question.ask()
    if answer is None:
        raise typer.Exit(code=130)
    return answer


def _whole(text: str) -> bool | str:
    return (text.strip().isdigit() and int(text) >= 1) or "write a whole number, 1 or more"


def _share(text: str) -> bool | str:
    try:
        value = float(text)
    except ValueError:
        return "write a share between 0 and 1, e.g. 0.15"
    return 0 < value <= 1 or "write a share between 0 and 1, e.g. 0.15"


def _parsed(parse: Any, text: str) -> bool | str:
    """True when ``parse`` reads ``text`` (empty: the default), else its message."""
    if not text.strip():
        return True
    try:
        parse(text)
    except ValueError as exc:
        return str(exc)
    return True


def _changed(text: str, default: dict[Any, float]) -> dict[Any, float] | None:
    """The segment mix typed, or None when it is empty or the default (demogen.yaml then
    leaves it out)."""
    from demogen.simulation.mixes import normalised, parse_segment_mix

    if not text.strip():
        return None
    mix = parse_segment_mix(text)
    return None if normalised(mix) == normalised(default) else dict(mix)


def _day(text: str) -> bool | str:
    try:
        datetime.strptime(text.strip(), "%Y-%m-%d")
    except ValueError:
        return "write the day as YYYY-MM-DD, e.g. 2025-01-06"
    return True
