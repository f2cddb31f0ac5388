"""One property row → one :class:`Property`: type, values, update method, source."""

from __future__ import annotations

from typing import Any

from demogen.taxonomy._constraints import ConstraintError, parse_constraint
from demogen.taxonomy._hints import parse_hints
from demogen.taxonomy._models import Property, SourceRef
from demogen.taxonomy._names import NameChecker
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record
from demogen.taxonomy._types import TYPE_WORDS, parse_type, parse_update_method
from demogen.taxonomy._values import Values
from demogen.vocab import PropertyType, Scope, UpdateMethod

__all__ = ["build_property", "type_label"]

_METHODS = ", ".join(m.value for m in UpdateMethod)
_CONSTRAINT_HINT = ("write a range as min-max (e.g. 1-100), [min,max] or {min,max}, or list the "
                    "allowed values separated by commas")


def type_label(kind: PropertyType) -> str:
    return kind.value.replace("_", " ")


def build_property(record: Record, scope: Scope, names: NameChecker,
                   report: Report) -> tuple[Property, Any] | None:
    """The property a row defines, with the JSON sample its description holds (if any).

    Returns None after reporting every problem the row has, so one bad row is reported
    completely and the next rows are still read.
    """
    name = record.get("property_name")
    name_ok = names.prop(name, record.at("property_name"))
    kind = _type(record, name, report)
    values = _values(record, kind, name, report) if kind is not None else None
    method = _update_method(record, scope, name, report)
    if not name_ok or kind is None or values is None or method is False:
        return None
    table = record.table.raw
    prop = Property(
        name=name, type=kind, scope=scope,
        display_name=record.get("property_display_name"),
        description=record.get("property_description"),
        tag=record.get("property_tag"),
        value_range=values.value_range, enum=values.enum,
        examples=values.examples or _example(record),
        list_length=values.list_length, update_method=method,
        source=SourceRef(file=table.file, sheet=table.sheet, row=record.row),
    )
    return prop, values.sample


def _example(record: Record) -> tuple[str, ...]:
    """A tracking plan's "Example" cell, when the constraint gave no examples."""
    text = record.get("example")
    return (text,) if text else ()


def _type(record: Record, name: str, report: Report) -> PropertyType | None:
    word = record.get("property_type")
    kind = parse_type(word) if word else None
    if kind is None:
        what = f"unknown type '{word}'" if word else "no type"
        report.problem(f"{what} for property '{name}'", record.at("property_type"),
                       hint=f"use one of: {TYPE_WORDS}")
    return kind


def _values(record: Record, kind: PropertyType, name: str, report: Report) -> Values | None:
    """Values from the constraint cell, or else hints from the description."""
    text = record.get("constraint")
    if not text:
        return parse_hints(record.get("property_description"), kind)
    try:
        return parse_constraint(text, kind)
    except ConstraintError as error:
        report.problem(f"bad constraint '{text}' for {type_label(kind)} property '{name}': "
                       f"{error}", record.at("constraint"), hint=_CONSTRAINT_HINT)
        return None


def _update_method(record: Record, scope: Scope, name: str,
                   report: Report) -> UpdateMethod | bool | None:
    """The user property's update method; None when not given, False when unknown."""
    word = record.get("update_method")
    if scope is not Scope.USER or not word:
        return None
    method = parse_update_method(word)
    if method is None:
        report.problem(f"unknown update method '{word}' for user property '{name}'",
                       record.at("update_method"), hint=f"use one of: {_METHODS}")
        return False
    return method
