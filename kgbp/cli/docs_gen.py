"""Reference pages generated from the code itself, so they cannot drift (checked by tests/cli/test_docs_gen.py)."""

from __future__ import annotations

from dataclasses import fields

from ..config import Settings


def cli_reference() -> str:
    """Each command's --help, as a person sees it (Typer's own rendering, without colour)."""
    from typer.testing import CliRunner

    from .main import app

    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    runner = CliRunner()
    names = [c.name or (c.callback.__name__.replace("_", "-") if c.callback else "") for c in app.registered_commands]
    names += [g.name for g in app.registered_groups if g.name]  # command groups (e.g. `kgbp token`)
    lines = ["# Command-line reference", "",
             "Generated from `kgbp --help` by `scripts/gen-docs.py`; do not edit by hand.", "",
             "Exit codes: **0** ok, **1** not conformant (a rule is broken), **2** bad input "
             "(a file, id or option kgbp cannot use; the message says where and what to do).", ""]
    for name in names:
        text = runner.invoke(app, [name, "--help"], env=env, prog_name="kgbp").output
        lines += [f"## kgbp {name}", "", "```", "\n".join(x.rstrip() for x in text.strip().splitlines()), "```", ""]
    return "\n".join(lines)


def settings_reference() -> str:
    lines = ["# Settings", "",
             "Generated from `kgbp.config.Settings` by `scripts/gen-docs.py`; do not edit by hand.", "",
             "Every setting can be given as an environment variable `KGBP_<NAME>` (upper case); "
             "command-line options such as `--store` override it.", "",
             "| setting | environment | default | what it does |", "|---|---|---|---|"]
    for f in fields(Settings):
        default = f.default if not isinstance(f.default, tuple) else ",".join(f.default)
        lines.append(f"| `{f.name}` | `KGBP_{f.name.upper()}` | `{default!s}` | {f.metadata.get('help', '')} |")
    return "\n".join(lines) + "\n"


def queries_reference() -> str:
    from ..query.catalogue import load_catalogue
    from ..query.output import catalogue_markdown

    return catalogue_markdown(load_catalogue())
