"""Caps on one write, checked before any cost that grows faster than the input.

Every check here is linear in the blueprint's graph. The support chain matters most:
sb:underlies (model/derive.py) is the transitive closure of sb:supports, so a chain of n steps
stores n(n-1)/2 triples (600 steps: 180,000). Real blueprints have chains of a handful
of steps (support -> backstage -> frontstage -> customer), so the chain is capped, not the
closure made cheaper. The caps are settings (docs/settings.md).
"""

from __future__ import annotations

from collections import deque

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..config import Limits
from ..errors import PayloadTooLarge
from ..i18n import say
from ..model import iris
from ..model.authored import AuthoredBlueprint
from ..model.namespaces import SB


def check_blueprint(bp: AuthoredBlueprint, limits: Limits) -> None:
    """PayloadTooLarge naming the place when the blueprint passes a cap."""
    name = bp.source or iris.blueprint_id(str(bp.iri)) or str(bp.iri)
    steps = set(bp.graph.subjects(SB.inBlueprint, bp.iri))
    if len(steps) > limits.max_steps:
        raise PayloadTooLarge(say("cap_steps", n=len(steps), limit=limits.max_steps), where=name, hint=say("cap_steps_hint"))
    for graph in (bp.graph, bp.shared):
        for s, p, o in graph:
            if isinstance(o, Literal) and len(o) > limits.max_literal_chars:
                raise PayloadTooLarge(say("cap_literal", n=len(o), limit=limits.max_literal_chars), where=f"{name}: <{s}> <{p}>",
                                      hint=say("cap_literal_hint"))
    depth, top = longest_support_chain(bp.graph)
    if depth > limits.max_support_chain:
        raise PayloadTooLarge(say("cap_chain", n=depth, limit=limits.max_support_chain), where=f"{name}: <{top}>",
                              hint=say("cap_chain_hint"))


def longest_support_chain(graph: Graph) -> tuple[int, URIRef | None]:
    """The number of steps on the longest sb:supports chain, and its top; O(steps + supports).

    Steps on a cycle (the rules refuse cycles; a draft may hold one) count as a chain as long
    as the steps left over, since the closure relates each to all of them."""
    up: dict[Node, set[Node]] = {}
    below: dict[Node, int] = {}
    for lower, upper in graph.subject_objects(SB.supports):
        if upper not in up.setdefault(lower, set()):
            up[lower].add(upper)
            below[upper] = below.get(upper, 0) + 1
            below.setdefault(lower, 0)
    depth = dict.fromkeys(below, 1)
    ready = deque(n for n, count in below.items() if count == 0)
    done = 0
    while ready:
        node = ready.popleft()
        done += 1
        for upper in up.get(node, ()):
            depth[upper] = max(depth[upper], depth[node] + 1)
            below[upper] -= 1
            if below[upper] == 0:
                ready.append(upper)
    longest = max(depth.items(), key=lambda kv: kv[1], default=(None, 0))
    cyclic = len(below) - done
    if cyclic > longest[1]:
        stuck = next(n for n, count in below.items() if count > 0)
        return cyclic, stuck if isinstance(stuck, URIRef) else None
    return longest[1], longest[0] if isinstance(longest[0], URIRef) else None
