"""Every input goes through one bounded reader (``designkit.inputs``).

What is checked, for every command that reads a file: a folder, a missing file,
a symbolic link loop, an unreadable file, a FIFO and a device are each refused
with designkit's one line (``designkit: PATH: ...``, exit 2), never click's
usage text, and never by blocking or reading forever; standard input is read to
the limit plus one byte and no further; UTF-16 and UTF-32 are read when asked
for or marked by a byte-order mark, and a NUL is looked for after decoding.

Commands that could hang run as real subprocesses with a generous timeout, as a
guard only: a regression fails the test instead of stalling the suite.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.errors import UserError
from designkit.inputs import DESIGN, MB, MODEL, decode, read_input
from tests.conftest import ROOT, SAMPLES

SAMPLE = SAMPLES / "etl-warehouse-nightly.md"
ANSWERS = ROOT / "tests" / "data" / "answers" / "etl.yaml"
HANG_GUARD = 120  # seconds; only there so that a regression cannot stall the suite

# Each command that reads a user file, with BAD standing for the file under test.
COMMANDS: dict[str, list[str]] = {
    "parse": ["parse", "BAD"],
    "lint": ["lint", "BAD"],
    "score": ["score", "BAD"],
    "diagram": ["diagram", "BAD", "--format", "dot"],
    "scaffold": ["scaffold", "BAD", "-o", "OUT"],
    "draft": ["draft", "BAD"],
    "render": ["render", "BAD"],
    "new --answers": ["new", "--answers", "BAD"],
    "score --rubric": ["score", str(SAMPLE), "--rubric", "BAD"],
    "score --baseline": ["score", str(SAMPLE), "--baseline", "BAD"],
    "score --baseline-file": ["score", str(SAMPLE), "--baseline-file", "BAD"],
    "rubric check": ["rubric", "check", "BAD"],
    "explain --rubric": ["explain", "REL-01", "--rubric", "BAD"],
}


def _arguments(command: str, bad: Path, tmp_path: Path) -> list[str]:
    return [
        str(bad) if part == "BAD" else str(tmp_path / "out") if part == "OUT" else part
        for part in COMMANDS[command]
    ]


def _one_line(stderr: str, path: Path, expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"designkit: {path}:"), stderr
    assert expected in lines[0], stderr
    assert "Usage:" not in stderr and "Traceback" not in stderr


def _run(arguments: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "designkit", *arguments],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
        **options,
    )


# ------------------------------------------------------------------ path problems


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    return folder


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "missing.md"


def _loop(tmp_path: Path) -> Path:
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop)
    return loop


PROBLEMS = {
    "folder": (_folder, "is a folder, not "),
    "missing": (_missing, "no such file"),
    "symlink loop": (_loop, "cannot read: symbolic link loop"),
}


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_path_problem_is_one_line_of_designkits_own(
    command: str, problem: str, tmp_path: Path
) -> None:
    make, expected = PROBLEMS[problem]
    bad = make(tmp_path)
    result = CliRunner().invoke(main, _arguments(command, bad, tmp_path))
    assert result.exit_code == 2, result.output
    _one_line(result.stderr, bad, expected)
    assert not (tmp_path / "out").exists()


def test_click_checks_no_path_itself() -> None:
    """click's own checks print its usage text; every path parameter leaves them off."""
    from designkit.cli.app import Unchecked

    checked = [
        f"{command.name} {parameter.name}"
        for group in (main, main.commands["rubric"])
        for command in group.commands.values()  # type: ignore[attr-defined]
        for parameter in command.params
        if isinstance(parameter.type, click.Path) and not isinstance(parameter.type, Unchecked)
    ]
    assert sorted(checked) == ["assess output", "scaffold output"]  # folders that need not exist


def _without_read_permission(command: list[str]) -> list[str]:
    """Run ``command`` so that a mode-000 file is unreadable, as root too."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and no setpriv to drop the capability to read any file")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]


@pytest.mark.parametrize("command", ["parse", "score --rubric"])
def test_an_unreadable_file_is_one_line(command: str, tmp_path: Path) -> None:
    bad = tmp_path / "secret.md"
    bad.write_bytes(SAMPLE.read_bytes())
    bad.chmod(0)
    arguments = [sys.executable, "-m", "designkit", *_arguments(command, bad, tmp_path)]
    done = subprocess.run(
        _without_read_permission(arguments),
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, bad, "cannot read: permission denied")


# ------------------------------------------------------------ FIFOs and devices


@pytest.mark.parametrize(
    "command", ["parse", "scaffold", "render", "new --answers", "score --rubric"]
)
def test_a_fifo_is_refused_without_blocking(command: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    done = _run(_arguments(command, fifo, tmp_path))
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, fifo, "is a FIFO (named pipe), not ")


def test_a_fifo_design_points_to_standard_input_and_a_fifo_rubric_does_not(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    design = CliRunner().invoke(main, ["parse", str(fifo)])
    assert "(give '-' to read standard input)" in design.stderr
    rubric = CliRunner().invoke(main, ["rubric", "check", str(fifo)])
    assert rubric.exit_code == 2
    assert "standard input" not in rubric.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("command", ["parse", "score --baseline-file"])
def test_a_device_is_refused_before_it_is_read(command: str, tmp_path: Path) -> None:
    zero = Path("/dev/zero")
    done = _run(_arguments(command, zero, tmp_path))
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, zero, "is a device, not ")


def test_a_pyproject_that_is_a_fifo_is_no_configuration(tmp_path: Path) -> None:
    """The configuration is looked for on the way up; a FIFO there must not block lint."""
    os.mkfifo(tmp_path / "pyproject.toml")
    design = tmp_path / "design.md"
    design.write_bytes(SAMPLE.read_bytes())
    done = _run(["lint", str(design)], cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "pyproject.toml" not in done.stderr


def test_a_fifo_in_a_scaffolded_project_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    design = SAMPLE.parent / "event-driven-shopify-netsuite.md"  # scaffolds without warnings
    assert CliRunner().invoke(main, ["scaffold", str(design), "-o", str(project)]).exit_code == 0
    readme = project / "README.md"
    readme.unlink()
    os.mkfifo(readme)
    done = _run(["scaffold", str(design), "-o", str(project)])
    assert done.returncode == 2, done.stderr
    _one_line(done.stderr, readme, "is a FIFO (named pipe), not a project file")


# ------------------------------------------------------------------- size limits


@pytest.mark.parametrize(
    ("command", "limit"),
    [
        ("parse", "design documents are read up to 8 MB"),
        ("render", "model files are read up to 64 MB"),
    ],
)
def test_a_file_over_the_limit_is_refused_by_its_size(
    command: str, limit: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as stream:  # sparse: 153 MB that take no disk and no time to write
        stream.truncate(153 * MB)
    result = CliRunner().invoke(main, _arguments(command, big, tmp_path))
    assert result.exit_code == 2
    _one_line(result.stderr, big, f"file is 153.0 MB; {limit}")


def test_a_model_as_large_as_the_largest_design_gives_is_read(tmp_path: Path) -> None:
    """The model limit is above what parse prints for a design at the design limit."""
    assert MODEL.limit >= 4 * DESIGN.limit
    assert read_input(SAMPLE, MODEL) == SAMPLE.read_bytes()


def test_standard_input_is_read_to_the_limit_plus_one_byte_and_no_further() -> None:
    """A writer that never stops (like ``< /dev/zero``) gets the limit, a pipe's buffer
    and nothing more taken from it; then one line and exit 2."""
    process = subprocess.Popen(
        [sys.executable, "-m", "designkit", "parse", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None
    chunk = b"x" * 65536
    written = 0
    try:
        while written < 64 * MB:
            process.stdin.write(chunk)
            written += len(chunk)
    except BrokenPipeError:
        pass
    _, stderr = process.communicate(timeout=HANG_GUARD)
    assert process.returncode == 2
    assert stderr.decode().strip() == (
        "designkit: <stdin>: more than 8 MB; design documents are read up to 8 MB"
    )
    # the limit plus one byte were read; the rest sat in the pipe's buffer (64 KiB to
    # 1 MiB on Linux) or in the writer's, and the reader exited
    assert DESIGN.limit < written < DESIGN.limit + 4 * MB, written


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_standard_input_from_dev_zero_ends() -> None:
    with open("/dev/zero", "rb") as zero:
        done = _run(["parse", "-"], stdin=zero)
    assert done.returncode == 2
    assert "more than 8 MB; design documents are read up to 8 MB" in done.stderr


# ---------------------------------------------------------------------- encodings


def _model(arguments: list[str]) -> dict[str, object]:
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(
    ("encoded", "flags"),
    [
        pytest.param(lambda t: t.encode("utf-16"), [], id="utf-16 BOM, no flag"),
        pytest.param(
            lambda t: t.encode("utf-16"), ["--encoding", "utf-16"], id="--encoding utf-16"
        ),
        pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), [], id="utf-16-be BOM"),
        pytest.param(lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"), [], id="utf-32-le BOM"),
        pytest.param(lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"), [], id="utf-32-be BOM"),
        pytest.param(
            lambda t: t.encode("utf-32"), ["--encoding", "utf-32"], id="--encoding utf-32"
        ),
        pytest.param(
            lambda t: t.encode("utf-16-le"), ["--encoding", "utf-16-le"], id="utf-16-le, no BOM"
        ),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode(), [], id="utf-8 BOM"),
    ],
)
def test_utf16_and_utf32_read_as_utf8_does(encoded, flags, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = SAMPLE.read_text(encoding="utf-8")
    plain = tmp_path / "design.md"
    plain.write_text(text, encoding="utf-8")
    other = tmp_path / "other.md"
    other.write_bytes(encoded(text))
    assert _model(["parse", *flags, str(other)]) == _model(["parse", str(plain)])


def test_utf16_without_a_mark_is_a_binary_file_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "design.md"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("utf-16-le"))
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == 2
    _one_line(result.stderr, path, "binary file, not a Markdown document (NUL character found)")
    assert "pass --encoding utf-16-le" in result.stderr


def test_an_explicit_other_encoding_wins_over_the_mark(tmp_path: Path) -> None:
    """A byte-order mark is followed only instead of UTF-8: cp1252 asked for is cp1252
    (and a UTF-16 file read so has NULs: refused, without the UTF-16 hint)."""
    path = tmp_path / "design.md"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("utf-16"))
    result = CliRunner().invoke(main, ["parse", "--encoding", "cp1252", str(path)])
    assert result.exit_code == 2
    assert "NUL character" in result.stderr and "--encoding utf-16" not in result.stderr


def test_a_nul_character_is_refused_after_decoding_with_its_line() -> None:
    with pytest.raises(UserError, match=r"^x\.md:3: binary file, not a Markdown document"):
        decode("# a\n\nb\x00c\n".encode("utf-16"), "x.md")
    # NUL bytes that decode to other characters are text, not binary
    assert decode("# \u0100\n".encode("utf-16-le"), "x.md", encoding="utf-16-le") == "# \u0100\n"


def test_a_decoding_error_names_line_and_column_in_characters() -> None:
    data = "# Caf\u00e9\n\u00e9\u00e9x\xff".encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    with pytest.raises(UserError) as raised:
        decode(data, "x.md")
    assert str(raised.value).startswith("x.md:2: not valid utf-8 (byte 0xff at column 4)")


def test_render_reads_a_utf16_model(tmp_path: Path) -> None:
    model = CliRunner().invoke(main, ["parse", str(SAMPLE)]).stdout
    path = tmp_path / "model.json"
    path.write_bytes(model.encode("utf-16"))
    result = CliRunner().invoke(main, ["render", str(path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Integration Design: ")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_old_version_from_git_is_read_to_the_limit_too(tmp_path: Path) -> None:
    def git(*arguments: str) -> None:
        subprocess.run(["git", *arguments], cwd=tmp_path, check=True, capture_output=True)

    design = tmp_path / "design.md"
    design.write_bytes(SAMPLE.read_bytes() + b"filler\n" * (DESIGN.limit // 7 + 1))
    git("init", "-q")
    git("add", "design.md")
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "big")
    design.write_bytes(SAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["score", str(design), "--baseline-ref", "HEAD"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "designkit: HEAD:design.md: more than 8 MB; design documents are read up to 8 MB"
    )
