"""``python -m scheduler.cli``: the command line, under its installed name."""

from . import main

main(prog_name="scheduler")
