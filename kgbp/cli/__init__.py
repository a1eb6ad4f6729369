"""The command line: `kgbp` (Typer). Commands in main.py; terminal presenters beside them."""

from .main import app

__all__ = ["app"]
