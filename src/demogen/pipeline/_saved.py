"""What a run leaves beside its records, and what ``report`` and ``validate`` read back.

``generate`` writes ``rules.yaml`` (the rules it used, in the plan's names, ready to edit
and pass back with ``--rules``) and ``plan.json`` (the plan as it was read) into the output
folder, and the plan's absolute path and fingerprint into ``manifest.json``. The folder
then describes itself: checking or reporting on it needs nothing else, from any folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson

from demogen.analysis._documents import write_document
from demogen.analysis.check import check_against_plan
from demogen.analysis.naming import NameMap, rename_rules
from demogen.analysis.rules import Rules
from demogen.errors import ConfigError, DemogenError
from demogen.output import Manifest, PlanRecord, read_manifest
from demogen.output._files import PLAN_NAME, RULES_NAME
from demogen.pipeline._prepare import Prepared
from demogen.taxonomy import EventTaxonomy, ProductInfo, source_fingerprint

__all__ = ["RunInputs", "plan_record", "run_inputs", "save_inputs"]


def save_inputs(folder: Path, prepared: Prepared) -> None:
    """``rules.yaml`` and ``plan.json`` into the output folder (each atomically)."""
    prepared.rules.save(folder / RULES_NAME)
    write_document({"taxonomy": prepared.taxonomy.model_dump(mode="json"),
                    "product": prepared.product.model_dump(mode="json")}, folder / PLAN_NAME)


def plan_record(prepared: Prepared) -> PlanRecord:
    """The manifest's note of where the plan was and what its files held."""
    product = prepared.product
    return PlanRecord(path=str(prepared.plan), fingerprint=source_fingerprint(prepared.plan),
                      product_name=product.product_name, industry=product.industry,
                      platform=product.platform)


@dataclass(frozen=True)
class RunInputs:
    """What an output is checked and reported against, and where that came from."""

    taxonomy: EventTaxonomy | None
    product: ProductInfo | None
    rules: Rules | None          # in the plan's names, as rules.yaml has them
    preset: str | None           # the run's behaviour preset, from the manifest
    source: str                  # "the output folder", "PLAN", or "" when there are no rules
    notes: tuple[str, ...] = ()
    first_day: date | None = None  # the run's window, from the manifest

    def written_rules(self) -> Rules | None:
        """The rules in the names the files carry ("Order Completed" → order_completed)."""
        if self.rules is None or self.taxonomy is None:
            return self.rules
        return rename_rules(self.rules, NameMap.build(self.taxonomy))

    def listed(self) -> dict[str, set[str]] | None:
        """Event (as written) → the properties the plan lists for it."""
        if self.taxonomy is None:
            return None
        names = NameMap.build(self.taxonomy)
        return {names.event(e.name): set(e.properties) for e in self.taxonomy.events}


def run_inputs(output: Path, *, prepared: Prepared | None = None,
               rules_path: Path | None = None, industry: str | None = None,
               platform: str | None = None, product_name: str | None = None) -> RunInputs:
    """The plan and rules of ``output``: its own saved copies, or ``prepared`` (a plan the
    user named, see :func:`demogen.pipeline.prepare`) when given.

    A named plan that is not the run's own, or a run's plan that changed on disk after the
    run, is said in ``notes``; nothing is replaced silently. ``rules_path`` alone replaces
    the saved rules; the product overrides apply to the saved product info.
    """
    manifest = _manifest_or_none(output)
    options = manifest.options if manifest else {}
    preset = str(options["preset"]) if options.get("preset") else None
    first_day = date.fromisoformat(str(options["start"])) if options.get("start") else None
    if prepared is not None:
        return RunInputs(prepared.taxonomy, prepared.product, prepared.rules, preset,
                         str(prepared.plan), _other_plan(manifest, prepared), first_day)
    saved = _saved(output)
    if saved is None:
        rules = Rules.load(rules_path) if rules_path is not None else None
        note = () if manifest is None else (
            f"{output} has no {RULES_NAME}/{PLAN_NAME} (written by an older demogen); pass "
            "--taxonomy PLAN to check the plan's rules too",)
        return RunInputs(None, None, rules, preset, str(rules_path or ""), note, first_day)
    taxonomy, product, rules = saved
    if rules_path is not None:
        rules = Rules.load(rules_path)
        check_against_plan(rules, taxonomy, source=rules_path, plan=output / PLAN_NAME)
    overrides = {"product_name": product_name, "industry": industry, "platform": platform}
    product = product.model_copy(update={k: v for k, v in overrides.items() if v})
    return RunInputs(taxonomy, product, rules, preset, "the output folder",
                     _moved_or_changed(manifest), first_day)


def _manifest_or_none(output: Path) -> Manifest | None:
    try:
        return read_manifest(output)
    except DemogenError:
        return None


def _saved(output: Path) -> tuple[EventTaxonomy, ProductInfo, Rules] | None:
    rules_file, plan_file = output / RULES_NAME, output / PLAN_NAME
    if not (rules_file.is_file() and plan_file.is_file()):
        return None
    try:
        data = orjson.loads(plan_file.read_bytes())
        taxonomy = EventTaxonomy.model_validate(data["taxonomy"])
        product = ProductInfo.model_validate(data["product"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{plan_file} cannot be read ({exc}); it is written by "
                          "'demogen generate' — generate again, or pass --taxonomy PLAN"
                          ) from None
    return taxonomy, product, Rules.load(rules_file)


def _moved_or_changed(manifest: Manifest | None) -> tuple[str, ...]:
    record = manifest.plan if manifest else None
    if record is None:
        return ()
    where = Path(record.path)
    now = source_fingerprint(where)
    if now is None:
        return (f"the run's plan {where} is no longer there; using the copy saved with "
                "the output",)
    if record.fingerprint and now != record.fingerprint:
        return (f"the plan {where} changed after this run; using the copy saved with the "
                "output (pass --taxonomy to check against the plan as it is now)",)
    return ()


def _other_plan(manifest: Manifest | None, prepared: Prepared) -> tuple[str, ...]:
    if manifest is None or manifest.taxonomy_hash == prepared.taxonomy.content_hash():
        return ()
    run_plan = manifest.plan.path if manifest.plan else "another plan"
    return (f"{prepared.plan} is not the plan this output was generated from ({run_plan}, "
            "or it changed since); checking against it anyway",)
