"""``python -m scheduler.cli``: the command line."""

from . import main

main()
