"""Heat on a blueprint: its steps coloured by an evidence measure over a range of months.

Complaints: the complaints of the categories attributed to a step. Breaches: the breached
measurements of the standards that apply to a step, to its touchpoint, or bound it. The
colour scale has four classes of equal width up to the hottest step; steps with nothing
keep their department's colour. The result is a diagram Highlight, so SVG, PNG and PPTX
all draw it with its legend.
"""

from __future__ import annotations

import math
import re

from rdflib import Literal, URIRef

from ..diagram.layout import Highlight
from ..errors import BadInput
from ..resources import internal_query
from ..store import Store

MEASURES = ("complaints", "breaches")
COLOURS = ("#fde4c8", "#f9b98a", "#f0804f", "#d7301f")  # light to hot (ColorBrewer OrRd)
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")



_LEGEND = {"complaints": {"en": "Complaints {a}–{b}", "zh": "投诉 {a}–{b} 件"},
           "breaches": {"en": "Breaches {a}–{b}", "zh": "未达标 {a}–{b} 次"}}
_TITLE = {"complaints": {"en": "Complaints {p}", "zh": "投诉量 {p}"},
          "breaches": {"en": "Standards breached {p}", "zh": "服务标准未达标 {p}"}}


def check_period(name: str, text: str) -> str:
    if not _PERIOD.match(text.strip()):
        raise BadInput(f"{name} must be a month written YYYY-MM, not {text!r}", where=name, hint="e.g. 2026-06")
    return text.strip()


def step_values(store: Store, blueprint: URIRef, measure: str, first: str, last: str) -> dict[URIRef, int]:
    """The measure per step of `blueprint` from month `first` to `last` (both YYYY-MM, included)."""
    if measure not in MEASURES:
        raise BadInput(f"no evidence measure {measure!r}", where=measure, hint="one of: " + ", ".join(MEASURES))
    first, last = check_period("from", first), check_period("to", last)
    sparql = internal_query("complaints_per_step" if measure == "complaints" else "breaches_per_step")
    rows = store.select(sparql, {"bp": blueprint, "from": Literal(first), "to": Literal(last)})
    return {step: int(str(value)) for step, value in rows.rows
            if isinstance(step, URIRef) and value is not None and int(str(value)) > 0}


def heat(store: Store, blueprint: URIRef, measure: str, first: str, last: str, lang: str = "en") -> Highlight:
    """The diagram highlight that colours each step by the measure (four classes, with a legend)."""
    values = step_values(store, blueprint, measure, first, last)
    period = first if first == last else f"{first}–{last}"
    title = _TITLE[measure][lang].format(p=period)
    top = max(values.values(), default=0)
    if not top:
        return Highlight(label=title, heat_legend=((("#ffffff"), "0"),))
    width = math.ceil(top / len(COLOURS))
    bounds = [(1 + n * width, min(top, (n + 1) * width)) for n in range(len(COLOURS))]
    legend = tuple((colour, _LEGEND[measure][lang].format(a=a, b=b)) for colour, (a, b) in zip(COLOURS, bounds, strict=True)
                   if a <= b)
    fills = tuple((step, COLOURS[min(len(COLOURS) - 1, (value - 1) // width)]) for step, value in sorted(values.items()))
    return Highlight(steps=frozenset(values), label=title, heat=fills, heat_legend=legend)


def period_range(text: str) -> tuple[str, str]:
    """'2026-06' -> (2026-06, 2026-06); '2026-01..2026-06' -> (2026-01, 2026-06)."""
    first, _, last = text.partition("..")
    first, last = check_period("period", first), check_period("period", last or first)
    if first > last:
        raise BadInput(f"the period {text!r} ends before it starts", where=text, hint="write FIRST..LAST, e.g. 2026-01..2026-06")
    return first, last


def heat_for(store: Store, blueprint: URIRef, measure: str, period: str, lang: str = "en") -> Highlight:
    """`heat` for a period written as people write it: 2026-06, or 2026-01..2026-06."""
    first, last = period_range(period)
    return heat(store, blueprint, measure, first, last, lang)
