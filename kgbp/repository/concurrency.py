"""Optimistic concurrency: a blueprint's stored version (its ETag), and conditional writes.

A version is a hash of the blueprint graph as stored (its N-Triples lines, sorted), so
two reads of unchanged content give the same version on any store. A writer that read
version V sends it back (HTTP If-Match, `kgbp load --if-version V`); the write path
compares it with the stored version and refuses with PreconditionFailed (412) when someone
changed the blueprint meanwhile, never overwriting their change silently.

The check and the write happen under one process-wide lock (`write_lock`): within a
server, no other write can slip in between them. Across processes the embedded store
is single-writer anyway (its folder lock); a remote store shared by several servers is
not covered by the lock.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from rdflib import URIRef

from ..errors import BadInput, PreconditionFailed
from ..i18n import joined, say
from ..model import iris
from ..store import Store

ANY = "*"
_WRITES = threading.RLock()  # one per process: the server's writes share it (see the module docstring)
_BNODE = re.compile(rb"_:[A-Za-z0-9_.-]+")


@contextmanager
def write_lock() -> Iterator[None]:
    """Serialise check-and-write sections of this process (re-entrant)."""
    with _WRITES:
        yield


def version(store: Store, blueprint: URIRef) -> str | None:
    """The stored version of a blueprint (32 hex digits), or None when it is not stored.

    Blank-node labels are left out of the hash: a store may relabel them on every read.
    """
    return version_of(store.graph_ntriples(blueprint))


def version_of(ntriples: bytes) -> str | None:
    """The version of a graph given as its store serialises it in N-Triples (see `version`)."""
    lines = sorted({_BNODE.sub(b"_:", line.strip()) for line in ntriples.splitlines() if line.strip()})
    if not lines:
        return None
    return hashlib.sha256(b"\n".join(lines)).hexdigest()[:32]


def etag(version_: str | None) -> str | None:
    """The HTTP ETag header value of a version (a strong validator)."""
    return f'"{version_}"' if version_ else None


def _versions(header: str, where: str) -> frozenset[str]:
    values = set()
    for raw in header.split(","):
        value = raw.strip()
        if not value:
            continue
        if value.startswith("W/"):
            raise BadInput(say("etag_weak", value=value), where=where, hint=say("etag_weak_hint"))
        value = value.strip('"')
        if value != ANY and not re.fullmatch(r"[0-9a-f]{32}", value):
            raise BadInput(say("etag_bad", value=value), where=where, hint=say("etag_bad_hint"))
        values.add(value)
    if not values:
        raise BadInput(say("etag_empty"), where=where, hint=say("etag_empty_hint"))
    return frozenset(values)


@dataclass(frozen=True)
class Expected:
    """What a conditional write expects of a blueprint's stored version.

    `versions` (If-Match): the stored version must be one of these; ANY = it must exist.
    `not_versions` (If-None-Match): it must be none of these; ANY = it must not exist yet.
    """

    versions: frozenset[str] = frozenset()
    not_versions: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, if_match: str | None = None, if_none_match: str | None = None) -> Expected | None:
        """From header values (None when neither is given)."""
        if if_match is None and if_none_match is None:
            return None
        return cls(_versions(if_match, "If-Match") if if_match is not None else frozenset(),
                   _versions(if_none_match, "If-None-Match") if if_none_match is not None else frozenset())

    def allows(self, current: str | None) -> bool:
        if self.versions and (current is None or not (ANY in self.versions or current in self.versions)):
            return False
        return not (self.not_versions and current is not None and (ANY in self.not_versions or current in self.not_versions))


def check(store: Store, blueprint: URIRef, expected: Expected, current: str | None = None) -> None:
    """Raise PreconditionFailed, saying what changed, unless the stored version is as expected.

    Call it under `write_lock`, right before the write. `current`: the version when the
    caller has just computed it.
    """
    current = current if current is not None else version(store, blueprint)
    if expected.allows(current):
        return
    raise changed(store, blueprint, current, expected)


def changed(store: Store, blueprint: URIRef, current: str | None, expected: Expected) -> PreconditionFailed:
    from .history_log import activities

    ident = iris.blueprint_id(str(blueprint)) or str(blueprint)
    last = next(reversed(activities(store, blueprint)), None)
    change = None
    if last is not None:
        change = {"activity": last.id, "action": last.action, "agent": last.agent, "when": last.when.isoformat(),
                  "added": last.added, "removed": last.removed}
    what: str
    hint: str
    if current is None:
        what = say("stale_not_stored", id=ident)
        if last is not None and last.action == "remove":
            what = joined([what, say("stale_removed_by", agent=last.agent, when=_when(last.when))], "")
        hint = say("stale_create_hint") if expected.versions else ""
    elif expected.not_versions and (ANY in expected.not_versions):
        what = say("stale_exists", id=ident, version=current)
        hint = say("stale_exists_hint")
    else:
        what = say("stale_changed", id=ident, version=current)
        if last is not None:
            what = joined([what, say("stale_last_change", action=say(f"lc_action_{last.action}"), agent=last.agent,
                                     when=_when(last.when), added=last.added, removed=last.removed)], "")
        hint = say("stale_changed_hint")
    return PreconditionFailed(what, where=str(blueprint), hint=hint, current=current, last_change=change)


def _when(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
