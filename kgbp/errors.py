"""One exception hierarchy. Every error says what went wrong, where, and what to do.

`where` is a place a person can go to: ``file:line:col``, ``sheet!cell`` or an IRI.
The CLI maps these to exit codes (see EXIT_*), the web layer to one JSON shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .i18n import localise

EXIT_OK = 0
EXIT_NOT_CONFORMANT = 1
EXIT_BAD_INPUT = 2


@dataclass
class Problem:
    """One thing wrong with an input."""

    message: str
    where: str = ""
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text}\n  -> {self.hint}" if self.hint else text

    def as_dict(self) -> dict[str, str]:
        return {"message": self.message, "where": self.where, "hint": self.hint}

    def localised(self, lang: str) -> Problem:
        """The problem in `lang` (catalogue messages re-rendered; names and data as they are)."""
        return Problem(localise(self.message, lang), self.where, localise(self.hint, lang))


def error_body(kind: str, message: str, where: str = "", hint: str = "",
               problems: Sequence[Problem] | None = None) -> dict[str, Any]:
    """The one JSON error shape: every error response of the web layer is built here
    (pinned by tests/web/test_error_shape.py). Without `problems`, the error is its one problem."""
    listed = problems if problems else [Problem(message, where, hint)]
    return {"error": kind, "message": message, "where": where, "hint": hint, "problems": [p.as_dict() for p in listed]}


@dataclass
class KgbpError(Exception):
    """Base error. ``problems`` lists every place when there are several."""

    message: str
    where: str = ""
    hint: str = ""
    problems: list[Problem] = field(default_factory=list)
    http_status = 400
    exit_code = EXIT_BAD_INPUT
    kind = "error"

    def __post_init__(self) -> None:
        super().__init__(self.message)
        if not self.problems:
            self.problems = [Problem(self.message, self.where, self.hint)]

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return self.message + "\n" + "\n".join(f"  {p}" for p in self.problems)

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.kind, self.message, self.where, self.hint, self.problems)

    def localised(self, lang: str) -> dict[str, Any]:
        """as_dict in `lang`: what a page or a response in that language shows."""
        body = self.as_dict()
        body.update(message=localise(self.message, lang), hint=localise(self.hint, lang),
                    problems=[p.localised(lang).as_dict() for p in self.problems])
        return body


class BadInput(KgbpError):
    """The input cannot be read as a blueprint (syntax, structure, references)."""

    kind = "bad-input"


class Unauthorized(KgbpError):
    """A request without a valid bearer token where one is needed."""

    http_status = 401
    kind = "unauthorized"

    @property
    def headers(self) -> dict[str, str]:  # RFC 6750 §3: a 401 names the scheme it wants
        return {"WWW-Authenticate": 'Bearer realm="kgbp"'}


class NotFound(KgbpError):
    http_status = 404
    kind = "not-found"


class Ambiguous(KgbpError):
    kind = "ambiguous"


class StoreUnavailable(KgbpError):
    """The store cannot be opened (locked by another process, or unreachable)."""

    http_status = 503
    kind = "store-unavailable"


class RenderUnavailable(KgbpError):
    """PNG output needs cairo; the SVG is always available."""

    http_status = 503
    kind = "render-unavailable"


class Conflict(KgbpError):
    http_status = 409
    kind = "conflict"


class QueryError(KgbpError):
    """A SPARQL query or update that the store rejected."""

    kind = "query-error"


class QueryFileError(KgbpError):
    """A named query file kgbp cannot use (bad header, or header and query disagree)."""

    http_status = 500
    kind = "bad-query-file"


class QueryTimeout(KgbpError):
    http_status = 503
    kind = "query-timeout"


class QueryTooLarge(KgbpError):
    """A query stopped because it needed more memory than a query may use (503, as a timeout)."""

    http_status = 503
    kind = "query-too-large"


@dataclass
class NotConformant(KgbpError):
    """A write rejected because the blueprint breaks the rules; carries the report."""

    report: Any = None
    http_status = 422
    exit_code = EXIT_NOT_CONFORMANT
    kind = "not-conformant"


class PayloadTooLarge(BadInput):
    http_status = 413
    kind = "too-large"


class Forbidden(KgbpError):
    """A write the repository refuses whoever asks (e.g. to the ontology or history graph)."""

    http_status = 403
    kind = "forbidden"


class NotAcceptable(KgbpError):
    """No representation the client accepts (HTTP Accept)."""

    http_status = 406
    kind = "not-acceptable"


class UnsupportedMediaType(BadInput):
    http_status = 415
    kind = "unsupported-media-type"


@dataclass
class PreconditionFailed(KgbpError):
    """A conditional write refused: the blueprint's stored version is not the one expected
    (someone changed it since it was read). Says what it is now and who changed it last."""

    current: str | None = None  # the stored version now (None: not stored)
    last_change: dict[str, Any] | None = None  # the last history activity: who, when, triples added/removed
    http_status = 412
    kind = "precondition-failed"

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "etag": f'"{self.current}"' if self.current else None,
                "last_change": self.last_change}

    @property
    def headers(self) -> dict[str, str]:
        return {"ETag": f'"{self.current}"'} if self.current else {}
