"""``python -m api.cli``: the same as the ``parallax`` command."""

from api.cli.commands import main

main()
