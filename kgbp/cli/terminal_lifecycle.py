"""Terminal presenters (rich) for the blueprint lifecycle: diffs, history, versions."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..i18n import catalogue, say_in
from ..lifecycle.diff import BlueprintDiff, FieldChange, MarkerChange
from ..model.vocabulary import vocabulary
from ..repository.history import Activity, Version

STYLE = {"added": "green", "removed": "red", "changed": "yellow", "unchanged": "dim"}


def _words(lang: str) -> Callable[..., str]:
    """The lifecycle words (keys lc_* of the message catalogue) in `lang`."""
    return lambda key, **params: say_in(lang, "lc_" + key, **params)


def _named(w: Callable[..., str], prefix: str, name: str) -> str:
    """A status, trend or field name in the reader's language; an unknown one as it is."""
    return w(f"{prefix}_{name}") if f"lc_{prefix}_{name}" in catalogue("en") else name


def _value(v: str | list[str]) -> str:
    return ", ".join(v) if isinstance(v, list) else v


def _what(changes: Sequence[FieldChange], lang: str) -> str:
    w, vocab = _words(lang), vocabulary()

    def shown(field: str, v: str | list[str]) -> str:  # lane and performer are concepts: their label
        if field in ("lane", "performer") and isinstance(v, str) and v:
            return vocab.scheme(field).label(v, lang)
        return _value(v) or "-"
    return "; ".join(f"{_named(w, 'field', c.field)}: {shown(c.field, c.before)} -> {shown(c.field, c.after)}"
                     for c in changes)


def print_diff(console: Console, diff: BlueprintDiff, show_unchanged: bool = False) -> None:
    w, lang, lanes = _words(diff.lang), diff.lang, vocabulary().scheme("lane")
    console.print(Text(w("title", a=diff.from_id, b=diff.to_id), style="bold"))
    console.print(w("summary", **diff.summary()))
    for title, items in ((w("steps"), diff.steps), (w("evidence"), diff.evidence)):
        shown = [s for s in items if show_unchanged or s.status != "unchanged"]
        if not shown:
            continue
        table = Table(title=title, title_justify="left", expand=True)
        for col in (w("status"), w("lane"), w("id"), w("step"), w("what")):
            table.add_column(col, overflow="fold")
        for s in shown:
            ident = s.id if s.matched_by != "label" else f"{s.from_id} -> {s.to_id} ({w('by_label')})"
            table.add_row(Text(_named(w, "st", s.status), style=STYLE[s.status]), lanes.label(s.lane, lang), ident,
                          s.label, _what(s.changes, lang))
        console.print(table)
    for title, resolved, introduced in ((w("fail"), diff.fail_points_resolved, diff.fail_points_introduced),
                                        (w("wait"), diff.wait_points_resolved, diff.wait_points_introduced)):
        if resolved or introduced:
            console.print(Text(title, style="bold"))
            _markers(console, w("resolved"), resolved, "green", lang)
            _markers(console, w("introduced"), introduced, "red", lang)
    if diff.departments:
        table = Table(title=w("departments"), title_justify="left", expand=True)
        for col in (w("department"), "", w("steps_n"), w("fail_n"), w("gained"), w("lost")):
            table.add_column(col, overflow="fold")
        for d in diff.departments:
            table.add_row(d.label, _named(w, "trend", d.trend), f"{d.steps_before} -> {d.steps_after}",
                          f"{d.fail_points_before} -> {d.fail_points_after}", ", ".join(d.gained), ", ".join(d.lost))
        console.print(table)
    if diff.systems:
        table = Table(title=w("systems"), title_justify="left", expand=True)
        for col in (w("system"), "", w("steps_n"), w("gained"), w("lost")):
            table.add_column(col, overflow="fold")
        for sys_ in diff.systems:
            table.add_row(sys_.label, _named(w, "st", sys_.status), f"{sys_.steps_before} -> {sys_.steps_after}",
                          ", ".join(sys_.gained), ", ".join(sys_.lost))
        console.print(table)


def _markers(console: Console, title: str, items: Sequence[MarkerChange], style: str, lang: str) -> None:
    lanes = vocabulary().scheme("lane")
    for m in items:
        mode = f" ({m.failure_mode})" if m.failure_mode else ""
        console.print(Text(f"  {title}: {m.marker} {m.step_id} [{lanes.label(m.lane, lang)}] {m.how}{mode}", style=style))


def print_history(console: Console, items: Sequence[Activity], lang: str) -> None:
    w = _words(lang)
    table = Table(title=w("history"))
    for key in ("activity", "when", "action", "blueprint", "agent", "added", "removed", "state"):
        table.add_column(w("h_" + key), no_wrap=key == "activity")
    for a in items:
        action = _named(w, "action", a.action) + (f" <- {a.restored.rsplit('/', 1)[-1][:8]}" if a.restored else "")
        table.add_row(a.id[:8], a.when.strftime("%Y-%m-%d %H:%M:%S"), action, a.blueprint_id, a.agent,
                      f"+{a.added}", f"-{a.removed}", w("yes") if a.state is not None else "")
    console.print(table)


def print_versions(console: Console, items: Sequence[Version], lang: str) -> None:
    w, statuses = _words(lang), vocabulary().scheme("status")
    table = Table(title=w("versions"))
    for col in ("id", "v_title", "status", "v_revision_of", "v_created", "v_modified", "v_last_changed", "v_changes"):
        table.add_column(w(col))
    for v in items:
        table.add_row(v.id, v.title, statuses.label(v.status, lang) if v.status else "", v.revision_of, v.created,
                      v.modified, v.last_changed[:19], str(v.changes))
    console.print(table)
