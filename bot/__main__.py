"""``python -m bot`` runs the ``cloudfabric`` command line."""

from bot.cli import main

main()
