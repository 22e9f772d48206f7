"""The ``parallax`` command: a thin front end over api.compare and api.reports."""

from api.cli.commands import main

__all__ = ["main"]
