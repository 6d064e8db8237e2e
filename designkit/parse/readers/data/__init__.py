"""Data Design: the section that holds the data's model, mappings, versions and rules.

It has no fields of its own; its sub-sections (one module each in this package)
are read from under it, or from under their own headings wherever the template
puts them. Its heading is what lets a bare ``### Validation`` be read as the
validation rules: generic names stand only under their own parent.

PASS::

    ## Data Design

    ### Mapping Specifications

FAIL::

    ## Week 2: Data Design
"""

from __future__ import annotations

from designkit.parse.readers.spec import SectionSpec

SPEC = SectionSpec("data", "Data Design", None, ("data design", "data architecture"))
