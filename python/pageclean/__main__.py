"""`python -m pageclean ARGS` is the `clean` command."""

from ._cli import main

main()
