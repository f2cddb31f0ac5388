"""Orderings between events: sequences and the raw material of prerequisites.

Every source of order adds edges ``before -> after`` to one acyclic graph, strongest first:
templates and numbered steps, then concept pairs (``purchase -> refund``), then verb pairs
between events about one object (``Coupon Entered -> Coupon Applied``), then "made inside"
pairs (``Project Created -> Task Created``). An edge that would close a cycle is refused, so
a weak guess never contradicts a strong one (``Product Viewed -> Product Clicked`` loses
against the template ``Product Clicked -> Product Viewed``). Edges carry two flags: ``seq``
(a typical order, listed in ``sequences``) and ``prereq`` (the second needs the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._funnels import TemplateMatch, contained_in, numbered_families
from demogen.analysis.heuristic._text import contains_any


@dataclass
class Edge:
    before: str
    after: str
    seq: bool
    prereq: bool
    source: str


@dataclass
class Ordering:
    """An acyclic graph of "happens before" edges over event names."""

    order: dict[str, int]
    edges: dict[tuple[str, str], Edge] = field(default_factory=dict)
    chains: list[list[str]] = field(default_factory=list)  # whole template/step sequences
    #: Sequences across users of one account (invite -> invitee's signup); no edges.
    account_chains: list[list[str]] = field(default_factory=list)

    def add(self, before: str, after: str, *, seq: bool = True, prereq: bool = True,
            source: str = "") -> bool:
        if before == after:
            return False
        key = (before, after)
        if key in self.edges:
            edge = self.edges[key]
            edge.seq |= seq
            edge.prereq |= prereq
            return True
        if self.reaches(after, before):
            return False
        self.edges[key] = Edge(before, after, seq, prereq, source)
        return True

    def reroute(self, before: str, via: str, after: str) -> bool:
        """Replace the edge ``before → after`` by ``via → after`` with its flags (``via``
        comes after ``before`` already), in chains too; False (nothing changed) where the
        new edge would close a cycle."""
        edge = self.edges.pop((before, after))
        if not self.add(via, after, seq=edge.seq, prereq=edge.prereq, source=edge.source):
            self.edges[before, after] = edge
            return False
        for chain in self.chains:
            for i in range(len(chain) - 1):
                if chain[i] == before and chain[i + 1] == after and via not in chain:
                    chain.insert(i + 1, via)
                    break
        return True

    def successors(self, name: str) -> list[str]:
        return [b for (a, b) in self.edges if a == name]

    def reaches(self, start: str, goal: str) -> bool:
        stack, seen = [start], {start}
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt in self.successors(node):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def prerequisites(self) -> dict[str, list[str]]:
        """Direct prerequisites; one implied by another prerequisite is left out."""
        needs: dict[str, list[str]] = {}
        for edge in sorted(self.edges.values(),
                           key=lambda e: (self.order[e.after], self.order[e.before])):
            if edge.prereq:
                needs.setdefault(edge.after, []).append(edge.before)

        def required(start: str, goal: str) -> bool:
            stack, seen = list(needs.get(start, [])), set()
            while stack:
                node = stack.pop()
                if node == goal:
                    return True
                if node not in seen:
                    seen.add(node)
                    stack.extend(needs.get(node, []))
            return False

        out = {
            event: [p for p in pre if not any(q != p and required(q, p) for q in pre)]
            for event, pre in needs.items()
        }
        return dict(sorted(out.items(), key=lambda item: self.order[item[0]]))

    def has_prereq(self, name: str) -> bool:
        return any(e.prereq and e.after == name for e in self.edges.values())


def build_ordering(ctx: Context, templates: list[TemplateMatch]) -> Ordering:
    graph = Ordering(order=ctx.order)
    flows = load("flows")
    # 1. templates and numbered steps: whole chains.
    for match in templates:
        if match.sequence and match.spec.get("sequence_scope") == "account":
            graph.account_chains.append(list(match.sequence))
        elif match.sequence:
            _add_chain(graph, match.sequence, source=match.name, prereq=False)
        for before, after in match.prerequisites:
            graph.add(before, after, seq=False, prereq=True, source=match.name)
    used_in_templates = {e for m in templates for s in m.stages for e in s.events}
    for family in numbered_families(ctx):
        names = [m.name for m in family]
        if not set(names) <= used_in_templates:
            _add_chain(graph, names, source="numbered", prereq=True)
    # 2. concept pairs.
    idx = ctx.index
    for spec in flows["concept_edges"]:
        sources = spec["from"] if isinstance(spec["from"], list) else [spec["from"]]
        first = next((e for c in sources if (e := idx.best(c)) is not None), None)
        if first is None:
            continue
        targets = idx.all(spec["to"]) if spec.get("targets") == "all" else [idx.best(spec["to"])]
        for target in targets:
            if target is not None:
                graph.add(first.name, target.name, seq=spec.get("seq", True),
                          prereq=spec.get("prereq", True), source="concept")
    # 3. verb pairs inside groups of events about the same object (somebody else's thing,
    # as its description says, is another object than the user's own of that name).
    groups: dict[tuple[frozenset[str], bool], list[str]] = {}
    for info in ctx.infos:
        if info.verb is not None:
            others = contains_any(info.desc.lower(), flows["others_words"])
            groups.setdefault((info.obj, others), []).append(info.name)
    for (obj, _), members in groups.items():
        for spec in flows["verb_edges"]:
            if obj & frozenset(spec.get("not", ())):
                continue    # what this pair does not order (a guild entered is joined)
            if any(idx.info(m).verb in spec.get("unless", ()) for m in members):
                continue    # another pair orders these (a cancel ends the request)
            for a in members:
                for b in members:
                    if idx.info(a).verb == spec["from"] and idx.info(b).verb == spec["to"]:
                        graph.add(a, b, seq=spec.get("seq", True),
                                  prereq=spec.get("prereq", True), source="verb")
    _through_assignment(ctx, graph)
    # 4. things made inside other things.
    for info in ctx.infos:
        if info.verb == "create":
            inner = contained_in(ctx, info.name, set())
            if inner is not None:
                graph.add(info.name, inner, seq=True, prereq=True, source="contained")
    # 5. a product entered through signup: account-bound events need it.
    _signup_gate(ctx, graph, flows["signup_gate"])
    return graph


def _through_assignment(ctx: Context, graph: Ordering) -> None:
    """Somebody taken on for the plan's one request of a service (``Driver Assigned`` for
    ``Ride Requested``) comes between the request and what it starts or ends: the verb
    pairs order only events about one object, and a driver is not the ride."""
    idx = ctx.index
    assigned = idx.all("assignment")
    served = [(r, s) for r, s in graph.edges if idx.info(r).verb == "request"
              and idx.info(s).verb in ("begin", "end")]
    if len(assigned) != 1 or len({r for r, _ in served}) != 1:
        return
    request, step = served[0][0], assigned[0].name
    # what the request starts, else what it ends (request → end only where nothing starts)
    _, started = min(served, key=lambda e: idx.info(e[1]).verb != "begin")
    if graph.add(request, step, source="assignment"):
        graph.reroute(request, step, started)


def _add_chain(graph: Ordering, names: list[str], *, source: str, prereq: bool) -> None:
    pairs = list(pairwise(names))
    if all(graph.reaches(a, b) for a, b in pairs):
        return  # another chain already orders these events
    kept = [names[0]]
    for name in names[1:]:
        if graph.add(kept[-1], name, seq=True, prereq=prereq, source=source):
            kept.append(name)
    if len(kept) >= 2:
        graph.chains.append(kept)


def _signup_gate(ctx: Context, graph: Ordering, spec: dict[str, Any]) -> None:
    idx = ctx.index
    if any(idx.all(c) for c in spec["entry_concepts"]):
        return
    gate = next((g for c in spec["gate"] if (g := idx.best(c)) is not None), None)
    if gate is None:
        return
    anonymous = set(spec["anonymous"])
    gate_concepts = set(spec["gate"])
    for info in ctx.infos:
        concepts = set(idx.concepts_of(info.name))
        if info.name == gate.name or concepts & gate_concepts or concepts & anonymous:
            continue
        if info.verb in spec["anonymous_verbs"] or graph.has_prereq(info.name):
            continue
        graph.add(gate.name, info.name, seq=False, prereq=True, source="signup_gate")


def sequences(graph: Ordering) -> list[list[str]]:
    """Template chains whole, then the other ``seq`` edges joined where the path is single."""
    covered = {(a, b) for chain in graph.chains for a, b in pairwise(chain)}
    loose = [e for e in graph.edges.values() if e.seq and (e.before, e.after) not in covered]
    out_deg: dict[str, int] = {}
    in_deg: dict[str, int] = {}
    for e in loose:
        out_deg[e.before] = out_deg.get(e.before, 0) + 1
        in_deg[e.after] = in_deg.get(e.after, 0) + 1
    pieces = [[e.before, e.after] for e in sorted(
        loose, key=lambda e: (graph.order[e.before], graph.order[e.after]))]
    merged = True
    while merged:
        merged = False
        for i, head in enumerate(pieces):
            tail_node = head[-1]
            if out_deg.get(tail_node, 0) != 1 or in_deg.get(tail_node, 0) != 1:
                continue
            j = next((k for k, p in enumerate(pieces) if k != i and p[0] == tail_node), None)
            if j is None:
                continue
            pieces[i] = head + pieces[j][1:]
            del pieces[j]
            merged = True
            break
    return [list(c) for c in graph.chains] + [list(c) for c in graph.account_chains] + pieces


__all__ = ["Edge", "Ordering", "build_ordering", "sequences"]
