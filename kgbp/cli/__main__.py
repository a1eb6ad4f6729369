"""`python -m kgbp.cli`: the `kgbp` command."""

from .main import app

app()
