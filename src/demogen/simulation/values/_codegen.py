"""One generated Python function per event: its properties' samplers written out flat.

Calling ~12 closures per event through a loop of ``(name, fn)`` tuples costs more than
most of the draws themselves. So when an event's sampler is compiled, its steps are
written out as the source of one function (``exec`` once per event and shard):

.. code-block:: python

    def sample_level_up(u, t):
        rnd = u.rnd.random
        st = u.state
        sk = u.sticky
        x0 = st.get('level')                      # a state mirror, inlined
        if x0.__class__ is int or x0.__class__ is float:
            ...
        x1 = r3(u, v, t)                          # a sampler without a source: called
        ...
        return {'level': x0, 'xp': x1, ...}

A sampler whose behaviour is simple enough carries a :data:`Source` (attached with
:func:`with_source`): the lines that compute its value into a variable. Every other
sampler is called. The generated code makes exactly the draws the closures would, in the
same order, so the output does not depend on which samplers are inlined.

Only the values other samplers read (formula inputs, constraint parents, currencies) go
into the ``v`` dict those samplers receive; the result is one dict display in taxonomy
order.
"""

from __future__ import annotations

import bisect
import math
import os
import re
from collections.abc import Callable, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from demogen.simulation.values._convert import MISS

if TYPE_CHECKING:
    from demogen.simulation.values._draw import Sampler

#: Writes the lines computing a sampler's value into the variable ``out`` (for a hook:
#: the lines of its work, given the variable holding the event's values).
Source = Callable[["Writer", str], list[str]]
F = TypeVar("F", bound=Callable[..., Any])

_SOURCE = "_demogen_source"
_LITERALS = (str, int, bool, type(None))
_LOCALS = {
    # name in the generated code → the line that binds it, when some line uses it
    "rnd": "rnd = u.rnd.random",
    "st": "st = u.state",
    "sk": "sk = u.sticky",
    "v": "v = {}",
}
#: ``v`` for events where no sampler reads another's value: always empty, never written.
_NOTHING_READ = MappingProxyType({})


def with_source(fn: F, source: Source) -> F:
    """``fn`` (a sampler or a hook), marked as inlinable by ``source``; ``fn`` stays the
    reference behaviour, called wherever the source is not used."""
    setattr(fn, _SOURCE, source)
    return fn


def source_of(fn: Callable[..., Any]) -> Source | None:
    found: Source | None = getattr(fn, _SOURCE, None)
    return found


def indent(lines: list[str], by: int = 1) -> list[str]:
    pad = "    " * by
    return [pad + line for line in lines]


class Writer:
    """Collects the globals a generated function refers to and hands out variable names.

    Inside the generated function: ``u`` (the user), ``t`` (the event time), ``v`` (the
    values other samplers read), and, when used, ``rnd`` (``u.rnd.random``), ``st``
    (``u.state``), ``sk`` (``u.sticky``).
    """

    def __init__(self, *, inline: bool = True) -> None:
        self.inline = inline   # False: every sampler is called, none written out
        self.globals: dict[str, Any] = {"int": int, "float": float, "round": round,
                                        "len": len, "_MISS": MISS,
                                        "_bisect": bisect.bisect_right, "_log": math.log,
                                        "_floor": math.floor, "_expm1": math.expm1}
        self._names: dict[int, str] = {}
        self._temps = 0
        self._shared: dict[str, str] = {}

    def ref(self, obj: Any) -> str:
        """An expression for ``obj``: a literal for plain values, else a global's name."""
        if type(obj) in _LITERALS or (type(obj) is float and math.isfinite(obj)):
            return repr(obj)
        name = self._names.get(id(obj))
        if name is None:
            name = self._names[id(obj)] = f"r{len(self._names)}"
            self.globals[name] = obj
        return name

    def temp(self) -> str:
        self._temps += 1
        return f"x{self._temps}"

    def shared(self, expression: str) -> str:
        """A variable holding ``expression``, computed once at the top of the function
        (only for what no sampler changes while the event is drawn: ``u.segment``, a
        pair's slot in ``u.sticky``)."""
        name = self._shared.get(expression)
        if name is None:
            name = self._shared[expression] = f"s{len(self._shared)}"
        return name

    def prologue(self) -> list[str]:
        return [f"{name} = {expression}" for expression, name in self._shared.items()]

    def value(self, fn: Sampler, out: str) -> list[str]:
        """Lines computing ``fn``'s value into ``out``: its source, or a call."""
        source = source_of(fn) if self.inline else None
        if source is not None:
            return source(self, out)
        return [f"{out} = {self.ref(fn)}(u, v, t)"]


def event_function(event: str, steps: Sequence[tuple[str, Sampler]], order: Sequence[str],
                   read: frozenset[str] | None, hooks: Sequence[Callable[..., Any]]
                   ) -> tuple[Callable[[Any, str], dict[str, Any]], str]:
    """The generated ``sample(u, t)`` of one event and its source.

    ``steps`` run in that order (dependency order); ``read``: the names other samplers
    read from ``v`` (None: any of them); ``hooks`` get ``(u, values)`` after the values
    are drawn."""
    try:
        return _compiled(event, _source(Writer(), event, steps, order, read, hooks))
    except (SyntaxError, RecursionError):
        # Python's nesting limits (deep objects inside lists inside objects …): call
        # every sampler instead of writing it out; the draws are the same.
        return _compiled(event, _source(Writer(inline=False), event, steps, order, read, hooks))


def _source(w: Writer, event: str, steps: Sequence[tuple[str, Sampler]], order: Sequence[str],
            read: frozenset[str] | None, hooks: Sequence[Callable[..., Any]]
            ) -> tuple[Writer, str, str]:
    body: list[str] = []
    out_of: dict[str, str] = {}
    for name, fn in steps:
        out = out_of[name] = w.temp()
        body += w.value(fn, out)
        if read is None or name in read:
            body.append(f"v[{name!r}] = {out}")
    result = ", ".join(f"{name!r}: {out_of[name]}" for name in order)
    if hooks:
        body.append(f"values = {{{result}}}")
        for hook in hooks:
            source = source_of(hook) if w.inline else None
            body += [f"{w.ref(hook)}(u, values)"] if source is None else source(w, "values")
        body.append("return values")
    else:
        body.append(f"return {{{result}}}")
    body = [*w.prologue(), *body]
    code = "\n".join(body)
    used = [line for name, line in _LOCALS.items() if re.search(rf"\b{name}\b", code)]
    if read is not None and not read and "v = {}" in used:
        used[used.index("v = {}")] = f"v = {w.ref(_NOTHING_READ)}"
    fname = "sample_" + re.sub(r"[^0-9A-Za-z_]", "_", event)
    return w, fname, "\n".join([f"def {fname}(u, t):", *indent([*used, *body])]) + "\n"


def _compiled(event: str, written: tuple[Writer, str, str]
              ) -> tuple[Callable[[Any, str], dict[str, Any]], str]:
    w, fname, source = written
    space = dict(w.globals)
    # Named as if it were a file of this package, so profilers charge it to values/.
    filename = os.path.join(os.path.dirname(__file__), f"<sample {event}>")
    exec(compile(source, filename, "exec"), space)  # our own source
    fn: Callable[[Any, str], dict[str, Any]] = space[fname]
    return fn, source
