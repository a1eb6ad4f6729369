"""Where the project's data files are: ontology/, shapes/, queries/, examples/.

They live at the top of the source tree (the layout keeps the architecture visible);
a wheel carries them under kgbp/_data (see pyproject's force-include).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for base in (_PACKAGE / "_data", _PACKAGE.parent):
        if (base / name).is_dir():
            return base / name
    raise FileNotFoundError(f"kgbp data folder {name!r} not found beside the package")


def ontology_file() -> Path:
    return data_dir("ontology") / "kgbp.ttl"


def examples() -> list[Path]:
    return sorted(data_dir("examples").glob("*.yaml"))


def example_evidence() -> list[Path]:
    """The shipped evidence for the examples (complaints, measurements, surveys, categories, actions)."""
    return sorted((data_dir("examples") / "evidence").glob("*.csv"))
