"""The kinds of integration document besides a design, one module each.

A kind module says how its kind is written (``WORDS``), the values a ``**Document
Kind**:`` line may give for it (``NAMES``), and the signs of it that a document's
shape shows (``signs``). :func:`designkit.parse.kind.recognise_shape` asks every
kind registered in :mod:`designkit.parse.readers.registry`; a kind needs two signs.
"""
