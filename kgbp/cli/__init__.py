"""The command line: `kgbp` (Typer). The app and its shared options are in main.py, one module per
command group beside it; importing a group registers its commands, in the order `kgbp --help` lists them."""

# isort: off
from .main import app
from . import blueprints, exports, validation, diagrams, server, lifecycle, questions  # noqa: F401
from . import registry, slides, spreadsheet, admin, tokens, quality  # noqa: F401
# isort: on

__all__ = ["app"]
