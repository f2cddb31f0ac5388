"""The offline heuristic analyzer: rules from names, tags, descriptions and constraints.

Modules by job: ``_text`` (reading names), ``_events`` (what an event is about),
``_funnels`` (template flows), ``_sequences`` (orderings), ``_lifecycle`` (one-time events,
sessions, roles, stages), ``_money``, ``_updates``, ``_properties``, ``_segments`` and
``_analyzer`` (the orchestra). Word lists live in ``demogen/data/heuristic_*.yaml``.
"""

from demogen.analysis.heuristic._analyzer import HeuristicAnalyzer

__all__ = ["HeuristicAnalyzer"]
