"""python -m planmaker: the command line."""

from planmaker.cli import main

main(prog_name="planmaker")
