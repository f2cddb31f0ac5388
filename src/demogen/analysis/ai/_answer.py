"""A model's answer is untrusted input: parsed, validated, checked, and pruned.

The text is refused unread above a size cap; JSON is taken whole or, for servers without
structured output, as the first JSON object in the text. The document is validated as
:class:`Rules` (a seed-shaped version-1 ``property_rules`` answer is migrated), checked
against the plan (names it lacks, impossible funnels) and its formulas are compiled by the
sandbox (:mod:`demogen.analysis.formula`), never run. :func:`problems` lists what is wrong,
with key paths, to send back to the model; :func:`accept` drops what is still wrong and
names each drop.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from demogen.analysis._locate import Path, key_path
from demogen.analysis._migrate import migrate
from demogen.analysis.check import unknown_names
from demogen.analysis.formula import Formula
from demogen.analysis.rules import Rules
from demogen.errors import FormulaError, RulesError
from demogen.taxonomy import EventTaxonomy

__all__ = ["AnswerError", "Problem", "accept", "parse_answer", "problems"]

#: How deep a problem's key path is cut to find what to drop: a whole funnel, one element
#: of a one-time list, one property's update, one segment's probability of one event.
_DROP_DEPTH = {"event_constraints": 3, "event_roles": 3, "update_patterns": 3,
               "segment_analysis": 4}


class AnswerError(ValueError):
    """The answer cannot be read as a JSON object (too large, not JSON)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the answer, at ``path`` in the document."""

    path: Path
    message: str

    def __str__(self) -> str:
        return f"{key_path(self.path)}: {self.message}"


def parse_answer(text: str, *, max_chars: int) -> dict[str, Any]:
    """The answer's JSON object (a seed-style ``{"property_rules": {...}}`` unwrapped)."""
    if len(text) > max_chars:
        raise AnswerError(f"the answer is {len(text):,} characters long, over the limit of "
                          f"{max_chars:,}; it was not read")
    try:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = _first_object(text)
    except RecursionError:      # thousands of nested brackets: hostile or broken
        raise AnswerError("the answer is nested too deeply to read") from None
    if not isinstance(data, dict):
        raise AnswerError(f"the answer is a JSON {type(data).__name__}, not an object")
    inner = data.get("property_rules")
    if isinstance(inner, dict) and set(data) <= {"property_rules", "schema_version"}:
        data = inner
    return data


def _first_object(text: str) -> Any:
    """The first JSON object in ``text`` (prose or a code fence around it)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            return decoder.raw_decode(text, start)[0]
        except json.JSONDecodeError:
            start = text.find("{", start + 1)
    raise AnswerError("the answer holds no JSON object")


def problems(data: dict[str, Any], taxonomy: EventTaxonomy) -> list[Problem]:
    """Everything wrong with ``data`` (already migrated): the schema's errors first; once the
    schema holds, names the plan lacks, impossible funnels and formulas outside the sandbox."""
    try:
        rules = Rules.model_validate(data)
    except ValidationError as exc:
        return [Problem(_path(err["loc"]), _message(err)) for err in exc.errors()]
    found = [Problem(u.path, f"the plan has no {u.kind} '{u.name}'"
                     + (f"; did you mean '{u.suggestion}'?" if u.suggestion else ""))
             for u in unknown_names(rules, taxonomy)]
    for i, funnel in enumerate(rules.event_constraints.funnels):
        here = ("event_constraints", "funnels", i)
        if len(funnel.steps) < 2:
            found.append(Problem(here, f"funnel '{funnel.name}' needs at least two steps"))
        elif len(set(funnel.steps)) != len(funnel.steps):
            found.append(Problem(here, f"funnel '{funnel.name}' repeats a step"))
    for prop, relationship in rules.property_relationships.items():
        if relationship.formula:
            try:
                Formula.compile(relationship.formula)
            except FormulaError as exc:
                found.append(Problem(("property_relationships", prop, "formula"), str(exc)))
    return found


def accept(data: dict[str, Any], taxonomy: EventTaxonomy,
           *, source: str) -> tuple[Rules, list[str]]:
    """Rules from ``data`` with every invalid part dropped, and a message per drop."""
    data, _ = migrate(copy.deepcopy(data))
    dropped: list[str] = []
    for _ in range(10):     # each round drops at least one part; nested errors surface late
        found = problems(data, taxonomy)
        if not found:
            break
        before = len(dropped)
        for problem in found:
            if _drop(data, problem.path):
                dropped.append(f"{source}: dropped {key_path(_cut(problem.path))}: "
                               f"{problem.message}")
        if len(dropped) == before:      # nothing left to cut away: the rest is the problem
            dropped.append(f"{source}: the answer stayed invalid and was dropped whole "
                           f"({found[0]})")
            data = {}
            break
        data = _clean(data)
    else:
        dropped.append(f"{source}: the answer stayed invalid and was dropped whole")
        data = {}
    try:
        return Rules.from_data(data, source=source), dropped
    except RulesError as exc:     # pruning should leave valid rules; never trust that blindly
        return Rules(), [*dropped, f"{source}: dropped whole: {exc}"]


# -- pruning ----------------------------------------------------------------------------------

_DROPPED = object()


def _path(loc: tuple[Any, ...]) -> Path:
    """A pydantic location as a document path (``[key]`` marks an invalid mapping key)."""
    out: list[str | int] = []
    for part in loc:
        if part == "[key]":
            break
        out.append(part if isinstance(part, int) else str(part))
    return tuple(out)


def _message(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return f"unknown key '{err['loc'][-1]}'"
    return str(err["msg"])


def _cut(path: Path) -> Path:
    if not path:
        return path
    return path[:_DROP_DEPTH.get(str(path[0]), 2)]


def _drop(data: Any, path: Path) -> bool:
    """Mark the part of ``data`` at ``path`` (cut to its section's depth) as dropped."""
    path = _cut(path)
    if not path:
        return False
    node = data
    for part in path[:-1]:
        node = _child(node, part)
        if node is None:
            return False
    last = path[-1]
    if isinstance(node, dict) and last in node:
        node[last] = _DROPPED
        return True
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = _DROPPED
        return True
    return False


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _clean(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if v is not _DROPPED}
    if isinstance(node, list):
        return [_clean(v) for v in node if v is not _DROPPED]
    return node
