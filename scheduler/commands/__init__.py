"""Commands of the command line kept out of ``scheduler/cli.py``; ``cli.py`` registers each with ``main.add_command``."""
