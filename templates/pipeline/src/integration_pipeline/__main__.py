"""``python -m integration_pipeline`` runs the same CLI as the console script."""

from .cli import main

main()
