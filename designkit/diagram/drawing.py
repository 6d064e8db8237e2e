"""``designkit diagram`` as a library call: a parsed design -> the bytes of one picture."""

from __future__ import annotations

from designkit.diagnostics import Diagnostic
from designkit.diagram.checks import graph_of
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from designkit.errors import UserError
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
    parsed: ParsedDesign,
    output_format: str,
    direction: str = "LR",
    *,
    check: bool = False,
    view: str = "architecture",
) -> tuple[bytes, list[Diagnostic]]:
    """The picture's bytes in one format and view, and the graph findings when asked."""
    graph = graph_of(parsed)
    findings = graph_findings(parsed) if check else []
    if view == "flow" and not any(d["kind"] == "step" for _, d in graph.nodes(data=True)):
        raise UserError(
            "--view flow needs the steps of a '### Normal Flow' section, and the design has none",
            path=parsed.path,
            hint="draw --view architecture or --view systems",
        )
    if output_format in ("structurizr", "structurizr-json", "plantuml"):
        from designkit.diagram import c4

        text = {
            "structurizr": c4.to_structurizr,
            "structurizr-json": c4.to_structurizr_json,
        }.get(output_format, lambda g: c4.to_plantuml(g, direction))(graph)
        return text.encode("utf-8"), findings
    if output_format == "mermaid":
        return to_mermaid(graph, direction, view).encode("utf-8"), findings
    dot = to_dot(graph, direction, view)
    if output_format == "dot":
        return dot.encode("utf-8"), findings
    data = render_binary(dot, output_format)
    if output_format == "svg":  # Graphviz writes the labels' characters as themselves
        from designkit.text_safety import escape_controls, safe_markup

        data = escape_controls(safe_markup(data.decode("utf-8")), keep="\t\n").encode("utf-8")
    return data, findings


def embeddable(parsed: ParsedDesign) -> str:
    """For HTML reports: inline SVG when Graphviz is installed, else the Mermaid text."""
    from designkit.diagram.render import dot_available

    graph = graph_of(parsed)
    if dot_available():
        svg = render_binary(to_dot(graph), "svg").decode("utf-8")
        return svg[svg.find("<svg") :] if "<svg" in svg else svg
    return to_mermaid(graph)
