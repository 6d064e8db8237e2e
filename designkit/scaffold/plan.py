"""What the generated project contains: relative path -> bytes, computed without writing.

Keeping the plan pure lets ``--dry-run`` and ``--check`` compare it with what is
on disk, and lets tests inspect a project without touching the file system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from designkit.diagnostics import Diagnostic
from designkit.parse import ParsedDesign
from designkit.resources import template_path
from designkit.scaffold import quoting
from designkit.scaffold.context import Context, build_context
from designkit.scaffold.dashboard import dashboard_json
from designkit.scaffold.monitoring import build_monitoring
from designkit.scaffold.sample_data import sample_jsonl
from designkit.scaffold.values import Value

RENDERED = (
    "pyproject.toml",
    "README.md",
    "Dockerfile",
    ".dockerignore",
    ".env.example",
    "compose.yaml",
    ".github/workflows/ci.yml",
    "config/pipeline.yaml",
    "monitoring/prometheus.yml",
)
RUNTIME_DIRS = ("src", "tests")
USER_HOOKS = "src/integration_pipeline/user_hooks.py"
_SKIP_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}

_HOOKS_STUB = '''"""Your code: the mappings the design describes in prose.

designkit created this file once and never touches it again. Every mapping with
`transformation: hook` in config/pipeline.yaml calls transform() below with the
source record, the target field's name and the value at the mapping's source
field; the design's Notes column (quoted in config/pipeline.yaml) says what each
should do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def transform(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    """Return the value for target_field. Until you write it, the source value passes
    through unchanged, so `run` works on day one."""
    return source_value
'''


@dataclass
class Plan:
    """The files of a project: generated ones and those the user owns after creation."""

    files: dict[str, bytes] = field(default_factory=dict)
    user_owned: set[str] = field(default_factory=set)
    slug: str = "integration"
    # design values the scaffold could not read (DK501); the files use a marked default
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _val(value: Value | Any) -> str:
    raw = value.value if isinstance(value, Value) else value
    if isinstance(raw, list):
        return "[" + ", ".join(quoting.yaml_value(item) for item in raw) + "]"
    return quoting.yaml_value(raw)


def _environment(design_file: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_path("pipeline")),
        autoescape=False,  # YAML/TOML/Markdown: the quoting filters below do the escaping
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )

    def origin(value: Value, default_note: str = "not stated in the design") -> str:
        if value.line is None:
            return f"  # default: {default_note}"
        return f"  # {design_file}:{value.line}"

    env.filters.update(
        val=_val,
        origin=origin,
        yaml_value=quoting.yaml_value,
        yaml_string=quoting.yaml_string,
        toml_string=quoting.toml_string,
        md=quoting.markdown_cell,
        md_value=lambda v: quoting.markdown_cell(_val(v)),
        comment=quoting.comment_text,
    )
    return env


def _runtime_files() -> dict[str, bytes]:
    """The static runtime, copied verbatim: whatever the templates hold right now."""
    root = template_path("pipeline")
    out: dict[str, bytes] = {}
    for folder in RUNTIME_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root)
            if path.is_symlink() or not path.is_file() or _SKIP_PARTS & set(relative.parts):
                continue
            if path.suffix in (".pyc", ".j2"):
                continue
            out[relative.as_posix()] = path.read_bytes()
    return out


def safe_file_label(name: str) -> str:
    """The design's file name as it appears in comments: one token, nothing to escape."""
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(name.replace("\\", "/")).name)
    return label.strip(".") or "design.md"


def plan_project(parsed: ParsedDesign, design_name: str = "design.md") -> Plan:
    """Render every file of the project for this design (pure: nothing is written)."""
    design_file = safe_file_label(design_name)
    context: Context = build_context(parsed, design_file)
    env = _environment(design_file)
    variables = {
        "c": context,
        "design_file": design_file,
        "slug": context.integration["slug"].value,
        "name": context.integration["name"].value,
        "provenance": context.provenance.rows,
    }
    plan = Plan(slug=variables["slug"], diagnostics=list(context.diagnostics))
    plan.files.update(_runtime_files())
    for output in RENDERED:
        text = env.get_template(f"{output}.j2").render(variables)
        plan.files[output] = text.encode("utf-8")
    plan.files["data/sample.jsonl"] = sample_jsonl(context)
    monitoring = build_monitoring(parsed, design_file)
    alerts = env.get_template("monitoring/alerts.yml.j2").render(
        variables, m=monitoring, active=[r for r in monitoring.rules if not r.note]
    )
    plan.files["monitoring/alerts.yml"] = alerts.encode("utf-8")
    plan.files["monitoring/dashboard.json"] = dashboard_json(
        monitoring, variables["slug"], variables["name"], design_file
    )
    hooks = plan.files.get(USER_HOOKS)
    plan.files[USER_HOOKS] = hooks if hooks is not None else _HOOKS_STUB.encode("utf-8")
    plan.user_owned.add(USER_HOOKS)
    return plan


def load_plan_design(path: str | Path) -> tuple[ParsedDesign, str]:
    """Parse a design file for scaffolding; its file name labels the provenance comments."""
    from designkit.parse import parse_file

    return parse_file(str(path)), Path(path).name
