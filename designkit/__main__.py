"""``python -m designkit`` runs the CLI."""

from designkit.cli import main

main()
