"""Architecture diagrams: the graph, golden DOT and Mermaid per sample, SVG through Graphviz,
and the ``designkit diagram`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import parse_design, parse_file
from designkit.cli import main
from designkit.diagram import build_graph
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from tests.conftest import GOLDEN, ROOT, Golden, sample_paths

REQUIRE = bool(os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES"))


def require_dot() -> None:
    if shutil.which("dot") is None:
        if REQUIRE:
            pytest.fail("Graphviz 'dot' is missing: .ci/run installs Debian's graphviz")
        pytest.skip("Graphviz 'dot' not installed (apt-get install graphviz)")


@pytest.mark.parametrize("path", sample_paths(), ids=[p.stem for p in sample_paths()])
def test_golden_dot_and_mermaid(path: Path, golden: Golden) -> None:
    graph = build_graph(parse_file(path).design)
    golden.check(GOLDEN / path.stem / "diagram.dot", to_dot(graph))
    golden.check(GOLDEN / path.stem / "diagram.mmd", to_mermaid(graph))


@pytest.mark.parametrize("path", sample_paths(), ids=[p.stem for p in sample_paths()])
def test_svg_renders_self_contained(path: Path) -> None:
    require_dot()
    svg = render_binary(to_dot(build_graph(parse_file(path).design)), "svg").decode()
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "xlink:href" not in svg and "<image" not in svg  # nothing external
    design = parse_file(path).design
    first = design.architecture.diagram.edges[0].source
    assert first.replace("&", "&amp;") in svg


def test_output_is_deterministic() -> None:
    path = sample_paths()[0]
    first = build_graph(parse_file(path).design)
    second = build_graph(parse_file(path).design)
    assert to_dot(first) == to_dot(second)
    assert to_mermaid(first) == to_mermaid(second)


def test_graph_has_systems_flow_and_failure_paths() -> None:
    graph = build_graph(parse_file(ROOT / "samples" / "event-driven-shopify-netsuite.md").design)
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds >= {"system", "step", "breaker", "alert"}
    assert "dlq" not in kinds  # the diagram's own DLQ topic is the DLQ: no second one
    assert graph.nodes["system:Shopify"]["lane"] == "source"
    assert graph.nodes["system:NetSuite"]["lane"] == "target"
    call = graph.edges["system:NetSuite Order Consumer", "system:NetSuite"]
    assert call["retry"] == ["retry: 3-5 tries, 1-16 s exponential with jitter"]
    assert call["auth"] == "OAuth 2.0"
    breaker = graph.nodes[call["guarded_by"]]
    assert breaker["label"].startswith("breaker: opens after 10 failures or 25% in 2 min")
    dlq = graph.nodes["system:MSK topic commerce.orders.v1.dlq"]
    assert dlq["role"] == "dlq" and dlq["details"] == ["dead letters kept 14 days"]
    assert graph.has_edge("system:MSK topic commerce.orders.v1.dlq", "alerts")
    auth = {data.get("auth") for _, _, data in graph.edges(data=True) if data["kind"] == "data"}
    assert "OAuth 2.0" in auth


def test_hub_spoke_marks_the_hub() -> None:
    graph = build_graph(parse_file(ROOT / "samples" / "hub-spoke-hr-payroll.md").design)
    hub = graph.graph["hub"]
    assert graph.nodes[hub]["hub"] is True
    assert graph.nodes[hub]["lane"] == "hub"
    assert "penwidth=2" in to_dot(graph)


def test_design_without_diagram_falls_back_to_auth_connections() -> None:
    text = (
        "# Integration Design: Fallback\n\n## Overview\n\n**Purpose**: x\n\n## Security\n\n"
        "### Authentication\n\n| Connection | Auth Method | Details |\n|---|---|---|\n"
        "| Workday to Boomi | OAuth 2.0 | |\n| Boomi to ADP | mTLS | |\n"
    )
    graph = build_graph(parse_design(text, "f.md").design)
    assert graph.has_edge("system:Workday", "system:Boomi")
    assert graph.edges["system:Boomi", "system:ADP"]["auth"] == "mTLS"


def test_labels_are_escaped_in_dot_and_mermaid() -> None:
    text = (
        "# Integration Design: Quotes\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        '### Architecture Diagram\n\n```\n[A "quoted" <b>] --x|y--> [B\\\\C]\n```\n'
    )
    graph = build_graph(parse_design(text, "q.md").design)
    dot = to_dot(graph)
    assert '<B>A "quoted" &lt;b&gt;</B>' in dot  # an HTML-like label: markup escaped
    assert "<b>" not in dot
    assert "<B>B\\\\C</B>" in dot  # HTML-like labels keep backslashes as they are
    mermaid = to_mermaid(graph)
    assert "#quot;quoted#quot;" in mermaid and "<b>" not in mermaid


def test_hundred_systems_render(tmp_path: Path) -> None:
    require_dot()
    lines = [f"[System {i}] --> [System {i + 1}]" for i in range(100)]
    text = (
        "# Integration Design: Big\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        "### Architecture Diagram\n\n```\n" + "\n".join(lines) + "\n```\n"
    )
    graph = build_graph(parse_design(text, "big.md").design)
    assert sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "system") == 101
    assert render_binary(to_dot(graph), "svg").startswith(b"<?xml")


def test_cli_formats_and_check(tmp_path: Path) -> None:
    runner = CliRunner()
    sample = str(ROOT / "samples" / "hub-spoke-hr-payroll.md")
    mermaid = runner.invoke(main, ["diagram", sample, "--format", "mermaid", "--direction", "TB"])
    assert mermaid.exit_code == 0 and mermaid.stdout.startswith("flowchart TB")
    dot = runner.invoke(main, ["diagram", sample, "-o", str(tmp_path / "a.dot")])
    assert dot.exit_code == 0 and (tmp_path / "a.dot").read_text().startswith("digraph")
    binary = runner.invoke(main, ["diagram", sample, "--format", "png"])
    assert binary.exit_code == 2 and "-o" in binary.stderr
    checked = runner.invoke(main, ["diagram", sample, "--format", "dot", "--check"])
    assert checked.exit_code == 1  # DK407 on the hub
    assert "DK407" in checked.stderr
    clean = tmp_path / "clean.md"
    clean.write_text(
        "# Integration Design: Clean\n\n## Overview\n\n**Purpose**: x\n\n## Architecture\n\n"
        "### Architecture Diagram\n\n```\n[A] --> [B]\n```\n"
    )
    assert (
        runner.invoke(main, ["diagram", str(clean), "--format", "mermaid", "--check"]).exit_code
        == 0
    )


def test_png_written_with_dot(tmp_path: Path) -> None:
    require_dot()
    out = tmp_path / "diagram.png"
    result = CliRunner().invoke(main, ["diagram", str(sample_paths()[0]), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_missing_dot_gives_one_line_with_the_fix(tmp_path: Path) -> None:
    """A real process whose PATH has no Graphviz."""
    bare = tmp_path / "bin"
    bare.mkdir()
    env = {**os.environ, "PATH": str(bare)}
    result = subprocess.run(
        [sys.executable, "-m", "designkit", "diagram", str(sample_paths()[0]), "--format", "svg"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert "apt-get install graphviz" in result.stderr and "--format mermaid" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    mermaid = subprocess.run(
        [
            sys.executable,
            "-m",
            "designkit",
            "diagram",
            str(sample_paths()[0]),
            "--format",
            "mermaid",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert mermaid.returncode == 0 and mermaid.stdout.startswith("flowchart")
