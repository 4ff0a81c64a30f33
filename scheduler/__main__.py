"""``python -m scheduler``: the command line, as the installed ``scheduler`` command."""

from .cli import main

main(prog_name="scheduler")
