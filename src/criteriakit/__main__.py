"""``python -m criteriakit``: the command line."""

from criteriakit.cli import main

main()
