"""``designkit diagram`` as a library call: a parsed design -> the bytes of one picture."""

from __future__ import annotations

from designkit.diagnostics import Diagnostic
from designkit.diagram.checks import graph_of
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from designkit.output_formats import diagram_format
from designkit.parse.document import ParsedDesign

GRAPH_CODES = ("DK401", "DK402", "DK403", "DK404", "DK405", "DK406", "DK407")


def format_for(output: str | None, requested: str | None) -> str:
    """The explicit format, else the output file's suffix, else SVG; a suffix that
    contradicts the format is refused (:mod:`designkit.output_formats`)."""
    return diagram_format(output, requested)


def graph_findings(parsed: ParsedDesign) -> list[Diagnostic]:
    """The lint findings that come from the architecture graph (and the diagram's arrows)."""
    from designkit.lint import lint_design

    return [d for d in lint_design(parsed) if d.code in GRAPH_CODES]


def has_systems(parsed: ParsedDesign) -> bool:
    """Whether the picture would show any system; without one it shows only the flow steps,
    which looks like a drawing but says nothing about the architecture."""
    graph = graph_of(parsed)
    return any(data["kind"] == "system" for _, data in graph.nodes(data=True))


def draw(
    parsed: ParsedDesign, output_format: str, direction: str = "LR", *, check: bool = False
) -> tuple[bytes, list[Diagnostic]]:
    graph = graph_of(parsed)
    findings = graph_findings(parsed) if check else []
    if output_format == "mermaid":
        return to_mermaid(graph, direction).encode("utf-8"), findings
    dot = to_dot(graph, direction)
    if output_format == "dot":
        return dot.encode("utf-8"), findings
    return render_binary(dot, output_format), findings


def embeddable(parsed: ParsedDesign) -> str:
    """For HTML reports: inline SVG when Graphviz is installed, else the Mermaid text."""
    from designkit.diagram.render import dot_available

    graph = graph_of(parsed)
    if dot_available():
        svg = render_binary(to_dot(graph), "svg").decode("utf-8")
        return svg[svg.find("<svg") :] if "<svg" in svg else svg
    return to_mermaid(graph)
