"""Where things are in a rules document: key paths as people read them, YAML line numbers.

A problem in a rules file is named by its key path (``event_constraints.funnels[0].steps[2]``)
and, when the file's text is at hand, its line, so a person can go straight to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

__all__ = ["Path", "key_lines", "key_path", "line_of"]

#: A position in a rules document: mapping keys and list indexes, outermost first.
Path = tuple[str | int, ...]


def key_path(loc: Sequence[object]) -> str:
    """``("event_constraints", "funnels", 0, "steps")`` → ``event_constraints.funnels[0].steps``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top)"


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Every key path of a YAML (or JSON) document → its 1-based line.

    Paths are tuples of strings (list indexes as ``"0"``), so a pydantic error location or a
    rules path can be looked up with ``tuple(str(p) for p in loc)``. A document that does not
    compose gives no lines: the caller then names the key path alone.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple[str, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                lines.setdefault(here, key.start_mark.line + 1)
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                here = (*path, str(index))
                lines.setdefault(here, item.start_mark.line + 1)
                walk(item, here)

    if root is not None:
        walk(root, ())
    return lines


def line_of(lines: dict[tuple[str, ...], int], path: Sequence[object]) -> int | None:
    """The line of ``path``, else of its nearest enclosing key that has one."""
    parts = tuple(str(p) for p in path)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return None
