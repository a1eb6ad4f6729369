"""Settings: one object, built once at the edge (CLI, app factory) and passed explicitly.

Every setting has a name, a default and a help text (documented in docs/settings.md,
checked by tests/cli/test_docs_gen.py). Environment variables KGBP_<NAME> override defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any


def _env(name: str, default: Any) -> Any:
    raw = os.environ.get(f"KGBP_{name.upper()}")
    if raw is None:
        return default
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, tuple):
        return tuple(x.strip() for x in raw.split(",") if x.strip())
    return raw


@dataclass(frozen=True)
class Limits:
    """The caps on one write, taken from Settings (defaults as there, for library use)."""

    max_steps: int = 2_000
    max_literal_chars: int = 100_000
    max_support_chain: int = 100
    max_sheet_cells: int = 500_000


@dataclass(frozen=True)
class Settings:
    store: str = field(default="./kgbp-data", metadata={"help": "Embedded store folder, or the URL of a SPARQL 1.1 endpoint."})
    store_user: str = field(default="", metadata={"help": "User name for a remote store's authenticated endpoints."})
    store_password: str = field(default="", metadata={"help": "Password for a remote store."})
    store_update_url: str = field(default="", metadata={
        "help": "A remote store's SPARQL Update endpoint; default: Virtuoso's layout (<store>/sparql-auth), "
                "else the query endpoint."})
    store_graph_store_url: str = field(default="", metadata={
        "help": "A remote store's Graph Store Protocol endpoint (?graph=…); default: Virtuoso's layout "
                "(<store>/sparql-graph-crud-auth)."})
    host: str = field(default="127.0.0.1", metadata={"help": "Address the server binds to (loopback unless told otherwise)."})
    port: int = field(default=8000, metadata={"help": "Port the server listens on."})
    lang: str = field(default="en", metadata={"help": "Default language of labels and messages (en or zh)."})
    query_timeout: float = field(default=30.0, metadata={"help": "Seconds a SPARQL query may run before it is stopped."})
    max_upload_bytes: int = field(default=10_000_000, metadata={"help": "Largest accepted upload or request body, in bytes."})
    tokens_file: str = field(default="", metadata={"help": "File of hashed write tokens (name:sha256 a line); default <store>/tokens."})
    read_token_required: bool = field(default=False, metadata={"help": "Require a token for reads too."})
    user_graphs: tuple[str, ...] = field(default=("https://w3id.org/kgbp/id/user/",), metadata={
        "help": "IRI prefixes of user-owned graphs (annotations, mappings to other systems' ids), comma-separated: "
                "writable through SPARQL Update and the Graph Store with a token, recorded in history, not validated."})
    cors_origins: tuple[str, ...] = field(default=(), metadata={"help": "Origins allowed by CORS (comma-separated); none by default."})
    max_steps: int = field(default=2_000, metadata={
        "help": "Most steps and physical evidence in one blueprint; a bigger one is refused (413)."})
    max_literal_chars: int = field(default=100_000, metadata={
        "help": "Longest text one value (a label, a description) may hold, in characters."})
    max_support_chain: int = field(default=100, metadata={
        "help": "Longest chain of steps supporting steps; the derived sb:underlies grows with its square."})
    max_sheet_cells: int = field(default=500_000, metadata={
        "help": "Most cells a spreadsheet may hold; counted while streaming, before the sheet is loaded."})
    query_workers: int = field(default=3, metadata={"help": "Processes that run SPARQL queries (each can be stopped)."})
    query_workers_per_client: int = field(default=2, metadata={
        "help": "Query workers one client (token, or address without one) may hold at once; the rest wait their turn."})
    query_memory_mb: int = field(default=1_024, metadata={
        "help": "Memory a query worker may use, in MB; a query needing more is stopped (0: no limit)."})
    backup_dir: str = field(default="", metadata={
        "help": "Folder where POST /api/admin/backup writes snapshots; default <store>-backups beside the store."})

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        values = {f.name: _env(f.name, f.default) for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def limits(self) -> Limits:
        return Limits(self.max_steps, self.max_literal_chars, self.max_support_chain, self.max_sheet_cells)

    @property
    def is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))
