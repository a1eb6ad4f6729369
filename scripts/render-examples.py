"""Render the shipped example blueprints as PNG diagrams into docs/img/.

    .venv/bin/python scripts/render-examples.py [--out docs/img] [--scale 1.5]

Writes {service}.png (English) and {service}.zh.png (Chinese) for each as-is blueprint,
and {service}-{version}.png for the other versions. The examples are loaded into a
throw-away store, through the same write path as `kgbp load`.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from kgbp.cli.server import load_examples
from kgbp.config import Settings
from kgbp.diagram import draw_png
from kgbp.repository import save as repository
from kgbp.repository.blueprint_view import load_view
from kgbp.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--scale", type=float, default=1.5, help="pixels per SVG unit")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(store=str(Path(tmp) / "store"))
        load_examples(settings)
        store = open_store(settings)
        try:
            for summary in repository.list_blueprints(store):
                service, version = summary.id.split("/", 1)
                name = service if version == "as-is" else f"{service}-{version}"
                for lang, suffix in (("en", ""), ("zh", ".zh")):
                    target = args.out / f"{name}{suffix}.png"
                    target.write_bytes(draw_png(load_view(store, summary.iri, lang), scale=args.scale))
                    print(f"{summary.id} ({lang}) -> {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
        finally:
            store.close()


if __name__ == "__main__":
    main()
