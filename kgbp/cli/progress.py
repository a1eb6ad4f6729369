"""Progress of long work (read, validate, store) on stderr: a live line on a terminal, plain
lines when stderr is a file or a pipe (a log then shows each phase and how long it took)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..i18n import say


class Phases:
    """One load's phases; each says what it does and, when done, how long it took."""

    def __init__(self, console: Console, lang: str, quiet_below: int = 5) -> None:
        self.console, self.lang, self.quiet_below = console, lang, quiet_below
        self.live = console.is_terminal
        self._progress: Progress | None = None
        self._task: int | None = None
        self._started = 0.0
        self._name = ""

    def _say(self, key: str, **params: object) -> str:
        return say(key, **params).in_lang(self.lang)

    def reading(self, files: int) -> None:
        """Begin the read phase: a bar over the files (advance() once a file); the next phase ends it."""
        self._begin("cli_phase_read", files)

    def advance(self, _: object = None) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)  # type: ignore[arg-type]

    def phase(self, name: str, count: int) -> None:
        """save() starts a phase: validate or store (the one before it ends)."""
        self._end()
        self._begin({"validate": "cli_phase_validate", "store": "cli_phase_store"}[name], count, bar=False)

    def done(self) -> None:
        self._end()

    def _begin(self, key: str, total: int, bar: bool = True) -> None:
        self._name, self._started = self._say(key), time.monotonic()
        if total < self.quiet_below:
            return
        if self.live:
            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if bar:
                columns += [BarColumn(), MofNCompleteColumn()]
            self._progress = Progress(*columns, TimeElapsedColumn(), console=self.console, transient=True)
            self._progress.start()
            self._task = self._progress.add_task(self._name, total=total if bar else None)  # type: ignore[assignment]
        else:
            self.console.print(self._say("cli_phase_begin", phase=self._name, n=total), highlight=False, soft_wrap=True)
            self._task = -1  # a plain line was written: say when it ends

    def _end(self) -> None:
        if self._progress is not None:
            self._progress.stop()
        elif self._task == -1:
            self.console.print(self._say("cli_phase_end", phase=self._name, seconds=f"{time.monotonic() - self._started:.1f}"),
                               highlight=False, soft_wrap=True)
        self._progress, self._task = None, None
