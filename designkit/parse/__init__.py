"""Markdown design document -> :class:`~designkit.model.Design` with diagnostics."""

from __future__ import annotations

from designkit.parse.document import ParsedDesign, parse_design, parse_file, parse_files, read_text

__all__ = ["ParsedDesign", "parse_design", "parse_file", "parse_files", "read_text"]
