"""Reading the JSON sample a plan gives for an object (``예: {"coupon_id": "c1", …}``).

Plans often describe an object or object group only by a sample in its description or
examples; its keys become the children and its string values their examples.
"""

from __future__ import annotations

import json
from typing import Any

from demogen.taxonomy import Property
from demogen.vocab import PropertyType


def children_from_example(prop: Property, max_keys: int) -> list[Property]:
    """Fields of an object (group) whose plan gives only a JSON example, as properties."""
    for text in (*prop.examples, prop.description):
        sample = first_json(text, want_list=prop.type == PropertyType.OBJECT_GROUP)
        if sample is None:
            continue
        row = sample[0] if isinstance(sample, list) and sample else sample
        if not isinstance(row, dict):
            continue
        return [Property(name=f"{prop.name}.{key}", type=PropertyType.of_json(value))
                for key, value in list(row.items())[:max_keys]
                if isinstance(key, str) and key]
    return []


def example_fields(prop: Property) -> dict[str, list[str]]:
    """String values per key in the JSON sample of an object (group)."""
    fields: dict[str, list[str]] = {}
    for text in (*prop.examples, prop.description):
        sample = first_json(text, want_list=prop.type == PropertyType.OBJECT_GROUP)
        rows = sample if isinstance(sample, list) else [sample] if isinstance(sample, dict) else []
        for row in rows:
            if isinstance(row, dict):
                for key, value in row.items():
                    if isinstance(value, str) and value not in fields.setdefault(key, []):
                        fields[key].append(value)
        if fields:
            break
    return fields


def first_json(text: str, *, want_list: bool) -> Any:
    """The first balanced ``{…}`` (or ``[…]``) in ``text`` that parses, or None."""
    if not text:
        return None
    opener = "[" if want_list else "{"
    start = text.find(opener)
    if start < 0 and want_list:
        start = text.find("{")
    while start >= 0:
        parsed = _parse_balanced(text, start)
        if parsed is not None:
            return parsed
        start = text.find(opener, start + 1)
    return None


def _parse_balanced(text: str, start: int) -> Any:
    depth = 0
    for end in range(start, len(text)):
        ch = text[end]
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                try:
                    return json.loads(text[start:end + 1])
                except ValueError:
                    return None
    return None
