"""One module per rule: ``CODE``, ``NAME``, ``SEVERITY``, a docstring, and ``check``."""
