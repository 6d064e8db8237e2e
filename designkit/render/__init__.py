"""Model -> Markdown: the inverse of :mod:`designkit.parse`."""

from __future__ import annotations

from designkit.render.markdown import load_model_file, render_markdown

__all__ = ["load_model_file", "render_markdown"]
