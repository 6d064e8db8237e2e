"""The ``designkit`` command: a thin layer over the library.

Each command reads its input, calls one library function, formats the result
and picks the exit code. Heavy modules are imported inside the commands so that
``designkit parse`` starts without loading what it does not use. The group and
the shared options are in :mod:`~designkit.cli.app`; the commands, by what they
do, in :mod:`~designkit.cli.read`, :mod:`~designkit.cli.review` and
:mod:`~designkit.cli.write`.
"""

from designkit.cli import read, review, write  # noqa: F401  (each module adds its commands)
from designkit.cli.app import main

__all__ = ["main"]
