"""One module per template section, and one per document kind, listed in ``registry.py``.

The template is read section by section, each by its own small module laid out
like the template (``error_handling/retry_policies.py`` reads ``### Retry Logic``
under ``## Error Handling Strategy``), so that a section can be understood,
changed and tested on its own. A section module declares:

* ``SPEC``: its :class:`~designkit.parse.readers.spec.SectionSpec` (key, the
  template's title, parent, the heading aliases it answers to, and for labelled
  prose the topic that tells its lines apart inside its parent);
* ``COLUMNS``: its tables' column names, when it reads a table;
* ``read(doc)``: its value, read through the shared
  :class:`~designkit.parse.readers.core.Reader` (absent for a section that only
  holds others); ``FIELD`` when the value lands elsewhere than at its key;
* a docstring that says why the section is read the way it is, with PASS and FAIL
  examples that ``tests/test_section_readers.py`` runs.

A kind module (``kinds/``) declares ``KIND``, ``WORDS``, ``NAMES`` and ``signs``.
The machinery: ``core.py`` (where a section's text is, how a value is read and
reported), ``outline.py`` (which heading is which section), ``_rows.py`` and
``_prose.py`` (table rows and labelled prose, read alike for every section),
``meta.py`` (the header, read first by the driver, :mod:`designkit.parse.extract`).
"""
