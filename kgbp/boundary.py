"""The error boundary: exceptions that libraries raise on a client's input become our errors.

Parsers and pySHACL raise what they like on odd input: RecursionError on JSON-LD nested
100,000 deep, decimal.InvalidOperation when a shape compares NaN, ValueError when rdflib
cannot write an IRI holding '>'. Each is the client's mistake, not the server's, so at
each place where input is read or checked (`reading`) and, as a last resort, in the web
app and the CLI (`as_kgbp_error`), they become a BadInput with a place: 400 and exit
code 2, never a traceback or a 500.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import BadInput, KgbpError, PayloadTooLarge
from .i18n import say


def as_kgbp_error(exc: BaseException, where: str = "") -> KgbpError | None:
    """Our error for a library exception caused by the input, or None (a real fault)."""
    if isinstance(exc, KgbpError):
        return exc
    if isinstance(exc, RecursionError):
        return BadInput(say("too_deep"), where=where, hint=say("too_deep_hint"))
    if isinstance(exc, decimal.InvalidOperation):
        return BadInput(say("nan_compared"), where=where, hint=say("not_finite_hint"))
    if isinstance(exc, MemoryError):
        return PayloadTooLarge(say("too_much_memory"), where=where, hint=say("send_smaller"))
    return None


@contextmanager
def reading(where: str) -> Iterator[None]:
    """Run a parser or checker over client input: its input-caused exceptions become BadInput at `where`."""
    try:
        yield
    except KgbpError:
        raise
    except (RecursionError, decimal.InvalidOperation, MemoryError) as exc:
        mapped = as_kgbp_error(exc, where)
        assert mapped is not None
        raise mapped from None
