"""Tokens: stored hashed (sha256), one `name:hash:kind` per line; compared in constant time.

A token is a read token (may read when reads need a token) or a write token (may also
write). The kind is stored with the hash; a line without one (files written before read
tokens existed) is a write token. The token itself starts with `kgbp-read-` or
`kgbp-write-`, so whoever holds one can tell which it is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .config import Settings
from .errors import BadInput, NotFound
from .i18n import say

T = TypeVar("T")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def tokens_path(settings: Settings) -> Path:
    if settings.tokens_file:
        return Path(settings.tokens_file)
    if settings.is_remote:
        return Path("kgbp-tokens")
    return Path(settings.store) / "tokens"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


KINDS = ("read", "write")


@dataclass(frozen=True)
class Holder:
    """Who a presented token belongs to, and what it may do."""

    name: str
    kind: str = "write"

    @property
    def can_write(self) -> bool:
        return self.kind == "write"


def _parse_line(line: str) -> tuple[str, str, str] | None:
    name, _, rest = line.strip().partition(":")
    digest, _, kind = rest.partition(":")
    if not name or not digest:
        return None
    return name, digest, kind if kind in KINDS else "write"


def load_holders(settings: Settings) -> dict[str, Holder]:
    """hash -> holder."""
    path = tokens_path(settings)
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text("utf-8").splitlines():
        parsed = _parse_line(line)
        if parsed:
            found[parsed[1]] = Holder(parsed[0], parsed[2])
    return found


def load_tokens(settings: Settings) -> dict[str, str]:
    """hash -> name."""
    return {digest: holder.name for digest, holder in load_holders(settings).items()}


def _new_secret(kind: str) -> str:
    return f"kgbp-{kind}-{secrets.token_urlsafe(32)}"


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise BadInput(say("token_kind", kind=kind), where=kind, hint=say("token_kind_hint"))
    return kind


def create_token(settings: Settings, name: str, kind: str = "write") -> str:
    token = _new_secret(check_kind(kind))
    path = tokens_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # created owner-only from the start (no window with the default umask's permissions)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(f"{name}:{_hash(token)}:{kind}\n")
    path.chmod(0o600)
    return token


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BadInput(say("token_name", name=name), where=name, hint=say("token_name_hint"))
    return name


def token_names(settings: Settings) -> list[str]:
    """The names of the configured tokens, in the order they were created."""
    return list(token_kinds(settings))


def token_kinds(settings: Settings) -> dict[str, str]:
    """name -> kind of the configured tokens, in the order they were created."""
    return {holder.name: holder.kind for holder in load_holders(settings).values()}


def _rewrite(path: Path, lines: list[str]) -> None:
    """Replace the tokens file in one step (a crash leaves the old or the new file, never half)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("".join(f"{line}\n" for line in lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)


def rotate_token(settings: Settings, name: str) -> str:
    """A new token for `name`; the old one stops working at once."""
    path = tokens_path(settings)
    if name not in token_names(settings):
        raise NotFound(say("no_token", name=name), where=str(path), hint=say("no_token_hint"))
    kind = token_kinds(settings)[name]  # a rotated token keeps its kind
    token = _new_secret(kind)
    lines = [line for line in path.read_text("utf-8").splitlines() if line.partition(":")[0] != name]
    _rewrite(path, [*lines, f"{name}:{_hash(token)}:{kind}"])
    return token


def revoke_token(settings: Settings, name: str) -> int:
    path = tokens_path(settings)
    if not path.exists():
        return 0
    lines = path.read_text("utf-8").splitlines()
    kept = [line for line in lines if line.partition(":")[0] != name]
    _rewrite(path, kept)
    return len(lines) - len(kept)


def check(tokens: dict[str, str], presented: str | None) -> str | None:
    """The token's name when it is valid, else None (constant-time over the known hashes)."""
    return _find(tokens, presented)


def check_holder(holders: dict[str, Holder], presented: str | None) -> Holder | None:
    """The token's holder when it is valid, else None (constant-time over the known hashes)."""
    return _find(holders, presented)


def _find(known: dict[str, T], presented: str | None) -> T | None:
    if not presented:
        return None
    digest = _hash(presented)
    found = None
    for stored, value in known.items():
        if hmac.compare_digest(stored, digest):
            found = value
    return found
