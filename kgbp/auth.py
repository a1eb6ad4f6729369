"""Write tokens: stored hashed (sha256), one `name:hash` per line; compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from .config import Settings
from .errors import BadInput, NotFound

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def tokens_path(settings: Settings) -> Path:
    if settings.tokens_file:
        return Path(settings.tokens_file)
    if settings.is_remote:
        return Path("kgbp-tokens")
    return Path(settings.store) / "tokens"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_tokens(settings: Settings) -> dict[str, str]:
    """hash -> name."""
    path = tokens_path(settings)
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text("utf-8").splitlines():
        name, _, digest = line.strip().partition(":")
        if name and digest:
            found[digest] = name
    return found


def create_token(settings: Settings, name: str) -> str:
    token = secrets.token_urlsafe(32)
    path = tokens_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # created owner-only from the start (no window with the default umask's permissions)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(f"{name}:{_hash(token)}\n")
    path.chmod(0o600)
    return token


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BadInput(f"{name!r} is not a token name", where=name,
                       hint="use letters, digits and . _ @ - (up to 64), e.g. the person or tool that will hold it")
    return name


def token_names(settings: Settings) -> list[str]:
    """The names of the configured tokens, in the order they were created."""
    return list(dict.fromkeys(load_tokens(settings).values()))


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
        raise NotFound(f"no token named {name!r}", where=str(path), hint="`kgbp token list` shows the names")
    token = secrets.token_urlsafe(32)
    lines = [line for line in path.read_text("utf-8").splitlines() if line.partition(":")[0] != name]
    _rewrite(path, [*lines, f"{name}:{_hash(token)}"])
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
    if not presented:
        return None
    digest = _hash(presented)
    name = None
    for known, who in tokens.items():
        if hmac.compare_digest(known, digest):
            name = who
    return name
