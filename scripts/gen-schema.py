"""Rewrite the vocabulary-driven parts of kgbp/ingest/blueprint.schema.json (lane keys,
status and performer values in zh and en) from the ontology; tests fail when it is stale."""

from __future__ import annotations

import json
from pathlib import Path

from kgbp.ingest.schema_terms import generated_schema

PATH = Path(__file__).resolve().parent.parent / "kgbp" / "ingest" / "blueprint.schema.json"

if __name__ == "__main__":
    schema = json.loads(PATH.read_text("utf-8"))
    PATH.write_text(json.dumps(generated_schema(schema), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {PATH.name}")
