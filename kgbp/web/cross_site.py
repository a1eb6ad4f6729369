"""Cross-site request forgery defence for every write (forms and API alike).

A browser says where a request comes from: `Sec-Fetch-Site` (every current browser) and
`Origin` (on every cross-origin POST). A write that a browser marks as coming from another
site is refused, unless that site is one of the configured `cors_origins`. Requests with
neither header (curl, scripts, the CLI) are not from a browser page and go on to the token
check. This holds behind a proxy that adds the Authorization header for its users, where a
token in the request proves nothing about which page sent it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from urllib.parse import urlsplit

from ..i18n import Text, say

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def cross_site_refusal(method: str, headers: Mapping[str, str], trusted_origins: Collection[str]) -> Text | None:
    """Why this request must be refused as cross-site, or None when it may go on."""
    if method.upper() not in UNSAFE_METHODS:
        return None
    origin = headers.get("origin")
    site = headers.get("sec-fetch-site")
    if origin is not None and origin in trusted_origins:
        return None
    if site is not None:
        return None if site in ("same-origin", "none") else say("cross_site_marked", site=site)
    if origin is None:
        return None  # not sent by a browser page
    host = headers.get("host", "")
    try:
        origin_host = urlsplit(origin).netloc
    except ValueError:
        origin_host = ""
    if origin_host and origin_host == host:
        return None
    return say("cross_site_other_page", origin=origin[:100])
