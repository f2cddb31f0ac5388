"""Merge partial rules over complete ones.

Used for rules a person edited (``--rules``) and, later, for AI answers: whatever the
partial rules set explicitly wins; whatever they leave out comes from the base (the
heuristic analysis). Mappings merge key by key; lists are replaced whole.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from demogen.analysis.rules import EventSpec, PropertySpec, Rules


def merge_rules(base: Rules, override: Rules) -> Rules:
    merged = Rules.model_validate(_merge_model(base, override))
    # What loading changed in either document is still news to the person who gave it.
    merged._notices = [*base.notices, *override.notices]
    return merged


def _merge_model(base: BaseModel, override: BaseModel) -> dict[str, Any]:
    result = base.model_dump(mode="python")
    for name in override.model_fields_set:
        new = getattr(override, name)
        old = getattr(base, name, None)
        if isinstance(new, BaseModel) and isinstance(old, BaseModel):
            result[name] = _merge_model(old, new)
        elif isinstance(new, dict) and isinstance(old, dict) and name not in _WHOLE:
            combined = {**old, **new}
            result[name] = {
                k: _merge_entry(old.get(k), v) for k, v in combined.items()
            }
        else:
            result[name] = new.model_dump(mode="python") if isinstance(new, BaseModel) else new
    return result


#: Mappings that are one choice, replaced whole (an edited market drops the analysis' countries).
_WHOLE = frozenset({"market"})


def _merge_entry(old: Any, new: Any) -> Any:
    """A property's or event's spec merges field by field (an edit of its ``lifetime``
    keeps the analysed kind and source); other entries are replaced whole."""
    if isinstance(new, PropertySpec | EventSpec) and type(old) is type(new) and new is not old:
        return _merge_model(old, new)
    return new.model_dump(mode="python") if isinstance(new, BaseModel) else new


__all__ = ["merge_rules"]
