"""Write tokens: stored hashed (sha256), one `name:hash` per line; compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from .config import Settings


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
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"{name}:{_hash(token)}\n")
    path.chmod(0o600)
    return token


def revoke_token(settings: Settings, name: str) -> int:
    path = tokens_path(settings)
    if not path.exists():
        return 0
    lines = path.read_text("utf-8").splitlines()
    kept = [line for line in lines if line.partition(":")[0] != name]
    path.write_text("".join(f"{line}\n" for line in kept), "utf-8")
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
