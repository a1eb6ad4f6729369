"""Store implementations behind one protocol. `open_store` picks one from the settings."""

from __future__ import annotations

from ..config import Settings
from .protocol import Rows, SerializedResult, Store


def open_store(settings: Settings, read_only: bool = False) -> Store:
    if settings.is_remote:
        from .remote import RemoteStore

        return RemoteStore(settings.store, settings.store_user, settings.store_password,
                           update_url=settings.store_update_url or None,
                           graph_store_url=settings.store_graph_store_url or None)
    from .embedded import EmbeddedStore

    return EmbeddedStore(settings.store, read_only=read_only)


__all__ = ["Rows", "SerializedResult", "Store", "open_store"]
