"""Write the generated reference pages: docs/cli.md (from --help), docs/settings.md (from Settings),
docs/queries.md (from the query headers). tests/cli/test_docs_gen.py fails when they are out of date.

    .venv/bin/python scripts/gen-docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgbp.cli.docs_gen import cli_reference, queries_reference, settings_reference  # noqa: E402

for name, text in (("cli.md", cli_reference()), ("settings.md", settings_reference()),
                   ("queries.md", queries_reference())):
    (ROOT / "docs" / name).write_text(text, encoding="utf-8")
    print(f"wrote docs/{name}")
