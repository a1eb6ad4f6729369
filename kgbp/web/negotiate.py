"""HTTP content negotiation (RFC 9110 §12.5.1): pick the offer the client ranks highest."""

from __future__ import annotations

from collections.abc import Sequence


def _ranges(header: str) -> list[tuple[str, str, float]]:
    out = []
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if "/" not in media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        kind, _, sub = media.lower().partition("/")
        out.append((kind, sub, q))
    return out


def _quality(offer: str, ranges: list[tuple[str, str, float]]) -> float:
    kind, _, sub = offer.lower().partition("/")
    best, specificity = 0.0, -1
    for rk, rs, q in ranges:
        if rk == kind and rs == sub:
            s = 2
        elif rk == kind and rs == "*":
            s = 1
        elif rk == "*" and rs == "*":
            s = 0
        else:
            continue
        if s > specificity:  # the most specific range decides
            best, specificity = q, s
    return best


def best_match(header: str | None, offers: Sequence[str]) -> str | None:
    """The acceptable offer with the highest quality (ties: the earlier offer); None if none.

    Without an Accept header every offer is acceptable and the first is chosen.
    """
    if not offers:
        return None
    if not header or not header.strip():
        return offers[0]
    ranges = _ranges(header)
    if not ranges:
        return offers[0]
    scored = [(_quality(offer, ranges), -i, offer) for i, offer in enumerate(offers)]
    quality, _, offer = max(scored)
    return offer if quality > 0 else None
