"""ThinkingData's naming rules (format doc §5) applied to events and properties.

A name ThinkingData would reject is a problem. A few real-world spellings are kept with a
warning instead, because rejecting them would reject real tracking plans:

- spec-style event names with spaces, starting with a capital (Segment's "Order Completed");
- ``ta_`` / ``te_`` event names (the SDK's auto-collected events, and a plan re-prefixing them);
- in ThinkingData workbooks, ``#`` names that are not presets (``#appsflyer_campaign``).

One warning per kind and sheet lists the names, so a plan with 30 of them stays readable.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from demogen.errors import Location
from demogen.taxonomy._report import Report
from demogen.taxonomy._values import dedupe
from demogen.vocab import NAME_PATTERN, PRESET_PROPERTIES, thinkingdata_name

__all__ = ["NameChecker", "name_error"]

_VALID = re.compile(NAME_PATTERN)
_SPEC_STYLE = re.compile(r"^[A-Z][A-Za-z0-9]*(?: [A-Za-z0-9]+)+$")
_RESERVED_PREFIXES = ("ta_", "te_")
_MAX_LISTED = 8


def name_error(name: str) -> str | None:
    """Why ThinkingData rejects ``name`` as a custom name, or None when it accepts it."""
    if _VALID.match(name):
        return None
    if not name:
        return "the name is empty"
    if len(name) > 50:
        return f"it is {len(name)} characters long (at most 50)"
    first = name[:1]
    if not (first.isascii() and first.isalpha()):
        return f"it starts with '{first}' (names start with a letter A-Z or a-z)"
    bad = dedupe(c for c in name if not (c.isascii() and (c.isalnum() or c == "_")))
    shown = ", ".join("a space" if c == " " else f"'{c}'" for c in bad[:5])
    return f"it contains {shown} (only letters, digits and '_' are allowed)"


def _suggest(name: str) -> str | None:
    """A valid name close to ``name`` (``Level Up!`` → ``level_up``), if there is one."""
    fixed = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()[:50]
    return fixed if _VALID.match(fixed) else None


def _fix_hint(name: str) -> str:
    fixed = _suggest(name)
    rule = "start with a letter and use only letters, digits and '_', at most 50 characters"
    return f"{rule}; e.g. '{fixed}'" if fixed else rule


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    return shown + (f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else "")


@dataclass
class NameChecker:
    """Checks names while a file is read, then writes one warning per kind of kept oddity.

    ``strict_presets`` is True for demogen's own layout, where an unknown ``#`` name is a
    typo; ThinkingData workbooks carry integration names such as ``#appsflyer_campaign``.
    """

    report: Report
    strict_presets: bool
    _kept: dict[tuple[str, str, str | None], list[str]] = field(
        default_factory=lambda: defaultdict(list))

    def event(self, name: str, where: Location) -> bool:
        """Check an event name; False when it is a problem (already reported)."""
        if _VALID.match(name):
            if name.casefold().startswith(_RESERVED_PREFIXES):
                self._keep("prefix:" + name[:3].lower(), where, name)
            return True
        if _SPEC_STYLE.match(name) and len(name) <= 50:
            self._keep("spec", where, name)
            return True
        self.report.problem(f"event name '{name}' is not valid in ThinkingData: "
                            f"{name_error(name)}", where,
                            hint=_fix_hint(name))
        return False

    def prop(self, name: str, where: Location) -> bool:
        """Check a property name (``parent.child`` checks each part); False on a problem."""
        if name.startswith("#"):
            return self._preset(name, where)
        for part in name.split("."):
            reason = name_error(part)
            if reason is not None:
                shown = f"'{part}' in '{name}'" if part != name else f"'{name}'"
                fix = part
                if not part and part != name:   # 'obj.', '.x', 'a..b'
                    shown, fix = f"'{name}'", name
                    reason = ("a part of it is empty (a '.' starts or ends it, or two follow "
                              "each other; sub-properties are written 'parent.child')")
                self.report.problem(f"property name {shown} is not valid in ThinkingData: "
                                    f"{reason}", where,
                                    hint=_fix_hint(fix))
                return False
        return True

    def _preset(self, name: str, where: Location) -> bool:
        if name in PRESET_PROPERTIES:
            self._keep("preset", where, name)
            return True
        if not self.strict_presets and name_error(name[1:]) is None:
            self._keep("unknown_preset", where, name)
            return True
        self.report.problem(f"property name '{name}' is not a ThinkingData preset property, "
                            "and ThinkingData drops unknown '#' names", where,
                            hint=f"remove the '#' to make it a custom property ('{name[1:]}')")
        return False

    def _keep(self, kind: str, where: Location, name: str) -> None:
        self._kept[(kind, where.file, where.sheet)].append(name)

    def flush(self) -> None:
        """Write the collected warnings (call once, after the whole file was read)."""
        for (kind, file, sheet), names in self._kept.items():
            self.report.warn(_warning(kind, list(dedupe(names))), Location(file, sheet))
        self._kept.clear()


def _warning(kind: str, names: list[str]) -> str:
    listed, count = _listed(names), len(names)
    if kind == "spec":
        verb = "names contain" if count > 1 else "name contains"
        return (f"{count} event {verb} spaces ({listed}), which ThinkingData does not accept; "
                "the output writes them in snake_case (e.g. "
                f"'{names[0]}' → '{thinkingdata_name(names[0])}'); rules keep the plan's names")
    if kind == "preset":
        return (f"ThinkingData preset properties listed as custom properties: {listed}; kept "
                "(ThinkingData SDKs usually fill them on their own)")
    if kind == "unknown_preset":
        return (f"'#' names that are not ThinkingData preset properties: {listed}; kept as "
                "written, but ThinkingData drops them unless the project defines them")
    if kind == "prefix:ta_":
        return ("event names with the prefix 'ta_' that ThinkingData SDKs use for "
                f"auto-collected events: {listed}; kept as written")
    return ("event names with the prefix 'te_', close to the 'ta_' of ThinkingData's "
            f"auto-collected events: {listed}; kept as written")
