"""Nesting ``parent.child`` rows under their object, and merging repeated definitions.

In ThinkingData plans, the fields of an object or object group are rows named
``parent.child`` right below the parent; the model keeps them in ``Property.children``
under their own (leaf) name. The same event property is defined again on every event that
carries it; :func:`merge` folds those definitions into one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from demogen.taxonomy._models import Property, SourceRef
from demogen.taxonomy._names import name_error
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record
from demogen.taxonomy._validate import duplicate_message
from demogen.vocab import PropertyType

__all__ = ["Tree", "merge", "sample_children"]

_NESTING = (PropertyType.OBJECT, PropertyType.OBJECT_GROUP)
_FILLABLE = ("display_name", "description", "tag", "value_range", "enum", "examples",
             "list_length")


@dataclass
class _Node:
    prop: Property
    row: int
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> Property:
        if not self.children:
            return self.prop
        return self.prop.model_copy(update={"children": tuple(c.freeze() for c in self.children)})


@dataclass
class Tree:
    """The properties of one event or one sheet, children nested, duplicates reported.

    ``flat_paths`` decides what a ``a.b`` row without an object ``a`` above it is: in
    demogen's layout a dotted name of its own (Segment's ``context.groupId``), kept flat;
    in a ThinkingData workbook an orphaned child, which is a problem.
    """

    owner: str
    report: Report
    flat_paths: bool = False
    roots: list[_Node] = field(default_factory=list)
    dotted: list[str] = field(default_factory=list)
    _index: dict[str, _Node] = field(default_factory=dict)

    def add(self, prop: Property, record: Record) -> None:
        key = prop.name.casefold()
        if key in self._index:
            first = self._index[key]
            self.report.problem(
                duplicate_message("property", prop.name, first.prop.name, first.row, self.owner),
                record.at("property_name"), hint="remove or rename one of the two rows")
            return
        parent_name, dot, leaf = prop.name.rpartition(".")
        parent = self._index.get(parent_name.casefold()) if dot else None
        if dot and (parent is None or parent.prop.type not in _NESTING):
            if not self.flat_paths:
                self._orphan(prop.name, parent_name, parent, record)
                return
            parent = None
            self.dotted.append(prop.name)
        node = _Node(prop.model_copy(update={"name": leaf}) if parent else prop, record.row)
        (parent.children if parent else self.roots).append(node)
        self._index[key] = node

    def _orphan(self, name: str, parent: str, node: _Node | None, record: Record) -> None:
        where = record.at("property_name")
        if node is not None:
            kind = node.prop.type.value.replace("_", " ")
            self.report.problem(f"'{name}' is written as a field of '{parent}', but '{parent}' "
                                f"is a {kind} property", where,
                                hint=f"make '{parent}' an object or object group")
            return
        self.report.problem(
            f"'{name}' is written as a field of '{parent}', but no object or object group "
            f"'{parent}' comes before it {self.owner}".rstrip(), where,
            hint=f"add an object or object group row '{parent}' above it, "
                 "or write the name without '.'")

    def freeze(self) -> tuple[Property, ...]:
        return tuple(node.freeze() for node in self.roots)


def merge(first: Property, other: Property) -> tuple[Property, list[str]]:
    """``first`` with its empty fields filled from ``other`` and the children of both.

    The first definition wins (ThinkingData locks a property's type on first sight), but a
    plan often writes hints only once, so a later definition may still fill a gap. Returns
    the merged property and the paths whose types disagree, for a warning.
    """
    updates: dict[str, Any] = {name: getattr(other, name) for name in _FILLABLE
                               if not getattr(first, name) and getattr(other, name)}
    conflicts = [first.name] if first.type != other.type else []
    children = {child.name.casefold(): child for child in first.children}
    for child in other.children:
        key = child.name.casefold()
        if key in children:
            children[key], deeper = merge(children[key], child)
            conflicts += [f"{first.name}.{path}" for path in deeper]
        else:
            children[key] = child
    updates["children"] = tuple(children.values())
    return first.model_copy(update=updates), conflicts


def sample_children(sample: Any, source: SourceRef | None) -> tuple[Property, ...]:
    """Fields of an object or object group read from a JSON sample in its description."""
    records = sample if isinstance(sample, list) else [sample]
    fields: dict[str, Any] = {}
    for item in records:
        for key, value in item.items():
            fields.setdefault(str(key), value)
    return tuple(Property(name=key, type=PropertyType.of_json(value), source=source,
                          examples=(str(value),) if _is_scalar(value) else ())
                 for key, value in fields.items() if name_error(key) is None)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)
