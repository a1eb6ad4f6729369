"""Documentation that is generated must be up to date; every setting and query is documented."""

from __future__ import annotations

from dataclasses import fields

from kgbp.cli.docs_gen import cli_reference, queries_reference, settings_reference
from kgbp.config import Settings
from kgbp.query.catalogue import load_catalogue

from ..conftest import ROOT

DOCS = ROOT / "docs"
README = DOCS.parent / "README.md"


def test_generated_pages_are_current() -> None:
    for name, text in (("cli.md", cli_reference()), ("settings.md", settings_reference()),
                       ("queries.md", queries_reference())):
        assert (DOCS / name).read_text("utf-8") == text, f"docs/{name} is stale: run scripts/gen-docs.py"


def test_every_setting_has_help_and_is_documented() -> None:
    page = (DOCS / "settings.md").read_text("utf-8")
    for f in fields(Settings):
        assert f.metadata.get("help"), f.name
        assert f"`KGBP_{f.name.upper()}`" in page


def test_every_named_query_is_in_the_catalogue_page() -> None:
    page = (DOCS / "queries.md").read_text("utf-8")
    for name in load_catalogue():
        assert name in page


def test_readme_opens_with_the_two_commands() -> None:
    head = README.read_text("utf-8")[:600]
    assert "make serve" in head and "make test" in head


def test_docs_links_resolve() -> None:
    import re

    for page in [README, *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text("utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
