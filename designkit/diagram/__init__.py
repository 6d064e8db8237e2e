"""The architecture as a graph: built from the model, checked, drawn as DOT, Mermaid or SVG."""

from designkit.diagram.graph import build_graph

__all__ = ["build_graph"]
