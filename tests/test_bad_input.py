"""Unusable or hostile input: one line naming the file (and line), exit 2, no traceback,
and time linear in the input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import UserError, parse_design
from designkit.cli import main
from designkit.parse.document import MAX_BYTES, read_text

HEADER = "# Integration Design: Stress\n\n## Overview\n\n**Purpose**: stress test\n\n"
MAPPING_HEAD = (
    "## Data Design\n\n### Mapping Specifications\n\n"
    "| Source Field | Source Type | Transformation | Target Field | Target Type | Notes |\n"
    "|---|---|---|---|---|---|\n"
)


def _run(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["parse", *args, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _one_line_error(tmp_path: Path, name: str, content: bytes, expected: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    code, stderr = _run(path)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"designkit: {path}")
    assert expected in lines[0]
    assert "Traceback" not in stderr
    return lines[0]


def test_empty_file(tmp_path: Path) -> None:
    _one_line_error(tmp_path, "empty.md", b"", "file is empty")
    _one_line_error(tmp_path, "blank.md", b"  \n\n\t\n", "file is empty")


def test_binary_file_names_the_line(tmp_path: Path) -> None:
    line = _one_line_error(tmp_path, "binary.md", b"# Title\n\nabc\x00def", "binary file")
    assert "binary.md:3:" in line


def test_non_utf8_names_line_and_offers_the_encoding_option(tmp_path: Path) -> None:
    content = "# Integration Design: Caf\u00e9\n\n## Overview\n".encode("cp1252")
    line = _one_line_error(tmp_path, "latin.md", content, "not valid utf-8")
    assert "latin.md:1:" in line
    assert "--encoding cp1252" in line
    path = tmp_path / "latin.md"
    result = CliRunner().invoke(main, ["parse", "--encoding", "cp1252", str(path)])
    assert result.exit_code == 0
    assert '"name": "Caf\u00e9"' in result.stdout


def test_markdown_that_is_not_a_design(tmp_path: Path) -> None:
    readme = b"# My Library\n\n## Installation\n\npip install it\n\n## Usage\n\nCall it.\n"
    _one_line_error(tmp_path, "README.md", readme, "not an integration design")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    code, stderr = _run(tmp_path / "nope.md")
    assert code == 2 and "no such file" in stderr
    code, stderr = _run(tmp_path)
    assert code == 2


def test_thirty_megabytes_is_refused_quickly(tmp_path: Path) -> None:
    content = (HEADER + "filler line of a very long document\n" * 900_000).encode()
    assert len(content) > 30_000_000
    start = time.perf_counter()
    _one_line_error(tmp_path, "huge.md", content, "design documents are read up to")
    assert time.perf_counter() - start < 5


def test_size_limit_is_checked_before_decoding() -> None:
    with pytest.raises(UserError, match="MB"):
        read_text(b"x" * (MAX_BYTES + 1), "big.md")


def _mapping_table(rows: int) -> str:
    body = "".join(f"| src_{i} | string | Direct | tgt_{i} | string | |\n" for i in range(rows))
    return HEADER + MAPPING_HEAD + body


def test_table_with_100000_rows_parses_in_linear_time() -> None:
    small, large = _mapping_table(10_000), _mapping_table(100_000)
    start = time.perf_counter()
    parse_design(small, "small.md")
    small_seconds = time.perf_counter() - start
    start = time.perf_counter()
    parsed = parse_design(large, "large.md")
    large_seconds = time.perf_counter() - start
    assert len(parsed.design.data.mappings) == 100_000
    assert parsed.line_of("data.mappings[99999]") == large.count("\n")
    # 10x the rows: linear is ~10x; quadratic would be ~100x
    assert large_seconds < small_seconds * 25, (small_seconds, large_seconds)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(">" * 20_000 + " deep quote\n", id="blockquotes"),
        pytest.param("".join("  " * i + "- item\n" for i in range(1_500)), id="lists"),
        pytest.param("*" * 100_000 + "\n", id="emphasis-run"),
        pytest.param("[" * 100_000 + "\n", id="brackets"),
        pytest.param("| a |\n|---|\n" + "| [ |\n" * 20_000, id="bracket-table"),
        pytest.param("```\n" + "x\n" * 50_000, id="unclosed-fence"),
    ],
)
def test_deep_or_pathological_markdown_neither_crashes_nor_hangs(body: str) -> None:
    start = time.perf_counter()
    parsed = parse_design(HEADER + body, "hostile.md")
    assert parsed.design.overview.purpose == "stress test"
    assert time.perf_counter() - start < 20


def test_invalid_canonical_json_is_a_diagnostic_with_its_line() -> None:
    text = (
        HEADER
        + "## Data Design\n\n### Canonical Data Model\n\n"
        + '```json\n{\n  "entity": "Order",\n  oops\n}\n```\n'
    )
    parsed = parse_design(text, "bad.md")
    found = [d for d in parsed.diagnostics if d.code == "DK203"]
    assert len(found) == 1
    assert found[0].line == text.splitlines().index("  oops") + 1
