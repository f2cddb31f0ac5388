"""Turn an :class:`EventTaxonomy` into :class:`Rules` (heuristic, later AI providers)."""

from demogen.analysis.rules import RULES_SCHEMA_VERSION, Rules

__all__ = ["RULES_SCHEMA_VERSION", "Rules"]
