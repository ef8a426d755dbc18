"""One way to tell the user what is happening, for train, export, eval and stream alike.

Library modules log through `logging` (module loggers under ``aura_edge``): INFO for progress
messages, WARNING for things the user should act on. The CLI calls `show_messages`, which prints
them as plain lines on stderr, so stdout carries only results (reports, JSON lines). Loops that take
long also show a tqdm bar; as a library, aura-edge prints nothing unless the caller configures
logging.
"""

from __future__ import annotations

import logging

import click

PACKAGE_LOGGER = "aura_edge"


class _EchoHandler(logging.Handler):
    """Writes through click.echo at emit time, so it follows whatever stderr is current (tests,
    pipes, terminals) and never dies on a closed stream."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            if record.levelno >= logging.WARNING and not message.startswith(("warning:", "error:")):
                message = f"warning: {message}"
            click.echo(message, err=True)
        except Exception:  # noqa: BLE001 - logging must never break the command it reports on
            self.handleError(record)


def show_messages(verbose: bool = False) -> None:
    """Print aura-edge's messages on stderr: INFO and up, or everything with the logger names when
    ``verbose``. Calling it again replaces the handler instead of adding a second one."""
    logger = logging.getLogger(PACKAGE_LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _EchoHandler)]:
        logger.removeHandler(handler)
    handler = _EchoHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s" if verbose else "%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False  # a root handler set up by a dependency would print each message twice
