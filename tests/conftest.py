"""Shared fixtures: repository paths, golden-file comparison and the local services.

Golden files are reviewed like code. Regenerate them with ``make golden``
(``pytest --update-golden``) and read the diff before committing.
"""

from __future__ import annotations

import difflib
import os
import secrets
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The compiled-rubric cache of this run (and of every command it starts) lives in a
# folder of its own: never the user's ~/.cache, and never one an older run left behind.
os.environ["DESIGNKIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="designkit-test-cache-")
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
SHARED = ROOT.parent / "shared"
TEMPLATE = SHARED / "reference" / "integration-design-template.md"
REAL_WORLD = SHARED / "real-world"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite golden files from the current output instead of comparing",
    )


class Golden:
    """Compare text with a golden file, or rewrite it under ``--update-golden``."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden file {path.relative_to(ROOT)} is missing; run `make golden`")
        expected = path.read_text(encoding="utf-8")
        if expected != actual:
            diff = "".join(
                difflib.unified_diff(
                    expected.splitlines(True), actual.splitlines(True), "golden", "actual", n=2
                )
            )
            pytest.fail(
                f"{path.relative_to(ROOT)} differs (run `make golden` if intended):\n{diff[:6000]}"
            )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    return Golden(bool(request.config.getoption("--update-golden")))


def sample_paths() -> list[Path]:
    return sorted(SAMPLES.glob("*.md"))


def require_shared(path: Path) -> Path:
    """Shared reference files sit beside the repository; CI lays them out the same way."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing: CI must provide ../shared beside the clone")
        pytest.skip(f"{path} not present (../shared is laid beside the repository in CI)")
    return path


# -- external services (RabbitMQ, PostgreSQL) -------------------------------------------

RABBITMQ_URL = os.environ.get(
    "DESIGNKIT_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"
)
POSTGRES_URL = os.environ.get(
    "DESIGNKIT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def require_service(name: str, url: str, *, default_port: int) -> None:
    """Skip (or, with DESIGNKIT_REQUIRE_SERVICES=1 as in CI, fail) when nothing listens.

    Only the TCP port is probed, so a missing service costs a test run milliseconds.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as error:
        reason = f"{name} is not reachable on {host}:{port} ({error})"
    if os.environ.get("DESIGNKIT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason}; DESIGNKIT_REQUIRE_SERVICES=1 requires it")
    pytest.skip(f"{reason}; set DESIGNKIT_REQUIRE_SERVICES=1 to make this a failure")


def require_python_module(name: str) -> None:
    """Like require_service, for the client library a service test imports."""
    import importlib.util

    if importlib.util.find_spec(name) is not None:
        return
    reason = f"python package {name!r} is not installed (pip install -e '.[dev]')"
    if os.environ.get("DESIGNKIT_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def rabbitmqctl(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=check
    )


@dataclass
class Broker:
    url: str
    password: str
    vhost: str | None  # None: the default vhost (no rabbitmqctl to make our own)


@pytest.fixture(scope="module")
def broker() -> Iterator[Broker]:
    """RabbitMQ for one test module: its own vhost and user, with a password that must
    never show in any output, both removed afterwards (the default vhost and guest when
    rabbitmqctl cannot make them)."""
    require_python_module("pika")
    require_service("RabbitMQ", RABBITMQ_URL, default_port=5672)
    if shutil.which("rabbitmqctl") is None or rabbitmqctl("status", check=False).returncode:
        yield Broker(RABBITMQ_URL, "", None)
        return
    tag = uuid.uuid4().hex[:8]
    vhost, user, password = f"designkit-test-{tag}", f"designkit-{tag}", secrets.token_hex(12)
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("add_user", user, password)
    rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    host = RABBITMQ_URL.split("@")[-1].split("/")[0]
    try:
        yield Broker(f"amqp://{user}:{password}@{host}/{quote(vhost, safe='')}", password, vhost)
    finally:
        rabbitmqctl("delete_vhost", vhost, check=False)  # its queues go with it
        rabbitmqctl("delete_user", user, check=False)


@pytest.fixture(scope="module")
def database() -> str:
    """The PostgreSQL URL; each project makes (and drops) a schema of its own in it."""
    require_python_module("psycopg")
    require_service("PostgreSQL", POSTGRES_URL, default_port=5432)
    return POSTGRES_URL
