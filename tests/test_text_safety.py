"""Document text in every output: no line a CI runner would run, no forged finding.

A GitHub Actions runner reads each line a step prints (split at CR and LF only):
a line that starts with ``::`` after leading whitespace is a workflow command, and
so is a line holding ``##[`` anywhere (the legacy form). :func:`runner_commands`
finds both the way the runner does, skipping the invisible characters a
culture-aware comparison skips. The tests put hostile text into a design (a
canonical field name through JSON escapes, so any character at all; the title; a
table cell; a system name; a validation rule) and check every output against the
same design with plain text in those places: the same number of lines, no line a
command unless designkit wrote it, no raw control, separator or bidi character,
and the text still there, shown escaped (or, in JSON, YAML and XML, the very same
data once decoded).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from designkit.diagnostics import Diagnostic, Severity, format_json, format_text
from designkit.errors import UserError
from designkit.report import markdown as markdown_report
from designkit.text_safety import (
    UNSAFE,
    _printable_lines,
    _printable_utf8,
    escape_controls,
    safe_json,
    safe_json_bytes,
    safe_line,
    safe_lines,
    safe_markup,
)
from designkit.yaml_io import dump_yaml
from tests.conftest import ROOT

SAMPLE = ROOT / "samples" / "api-led-salesforce-sap-orders.md"

_SKIPPED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]"
)
_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_OWN_ANNOTATION = re.compile(
    r"::(error|warning|notice) file=[^,:\r\n]*(,line=\d+)?(,col=\d+)?,title=[^,:\r\n]*::[^\r\n]*"
)


def runner_commands(output: str) -> list[str]:
    """The lines of ``output`` a GitHub Actions runner would take as workflow commands."""
    found = []
    for line in re.split(r"\r\n|\r|\n", output):
        bare = _SKIPPED.sub("", line)
        if bare.lstrip().startswith("::") or "##[" in bare:
            found.append(line)
    return found


def raw_controls(output: str) -> list[str]:
    """Lines holding a raw control, separator or bidi character (``\\t`` and ``\\n`` aside)."""
    return [line for line in output.split("\n") if _RAW.search(line)]


# ---------------------------------------------------------------- the escaping itself


def test_unsafe_is_exactly_the_control_format_and_separator_characters() -> None:
    """The hand-written class matches Unicode categories Cc, Cf, Cs, Zl and Zp (a newer
    Unicode than this Python's may have made an unassigned code point Cf: allowed)."""
    categories = {"Cc", "Cf", "Cs", "Zl", "Zp"}
    missing, extra = [], []
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        matched = UNSAFE.fullmatch(char) is not None
        if category in categories and not matched:
            missing.append(f"U+{code:04X}")
        if matched and category not in categories | {"Cn"}:
            extra.append(f"U+{code:04X} {category}")
    assert missing == [] and extra == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("x\n::warning file=a::INJECTED", "x\\n::warning file=a::INJECTED"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        (
            "NEL\x85 LS\u2028 PS\u2029 VT\x0b FF\x0c FS\x1c",
            "NEL\\x85 LS\\u2028 PS\\u2029 VT\\x0b FF\\x0c FS\\x1c",
        ),
        ("abc\u202edef\u2066", "abc\\u202edef\\u2066"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("nul\x00del\x7f", "nul\\x00del\\x7f"),
        ("::add-mask::zz", "\\::add-mask::zz"),
        ("  \t::error::x", "  \\t::error::x"),  # a tab is shown escaped, so no longer a space
        ("  \u00a0\u3000::error::x", "  \u00a0\u3000\\::error::x"),
        ("\ufe0f:\ufe0f:x", "\ufe0f\\:\ufe0f:x"),
        ("a ##[error]b", "a ##\\[error]b"),
        ("#\ufe0f#[add-mask]b", "#\ufe0f#\\[add-mask]b"),
        ("###[x] and ##[y]", "###\\[x] and ##\\[y]"),
    ],
)
def test_safe_line_shows_what_would_break_or_command_a_line(text: str, shown: str) -> None:
    assert safe_line(text) == shown
    assert safe_line(shown) == shown  # escaping twice changes nothing more
    assert runner_commands(safe_line(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "[NAME] stays a placeholder",
        "a::b mid-line, 10:30, C:\\data\\x.csv, 100% done, a,b",
        "## Error Handling, #tag, [x](y), `code`",
        "✅\ufe0f done (a variation selector is part of the emoji)",
        "Ünïcödé, 日本語, עברית",
    ],
)
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert safe_line(text) == text


def test_invisible_joiners_are_shown() -> None:
    assert safe_line("👩\u200d💻") == "👩\\u200d💻"


def test_safe_lines_keeps_designkit_lines_and_escapes_the_rest() -> None:
    block = "first\n::add-mask::x\nthird ##[error]y\u2028fourth\n"
    assert safe_lines(block) == "first\n\\::add-mask::x\nthird ##\\[error]y\\u2028fourth\n"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text())
def test_any_text_makes_one_safe_line(text: str) -> None:
    line = safe_line(text)
    assert len(line.splitlines()) <= 1
    assert runner_commands(line) == []
    assert raw_controls(line) == []
    assert safe_line(line) == line


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(), st.text(), st.text())
def test_a_safe_line_stays_safe_between_designkit_text(before: str, text: str, after: str) -> None:
    """What the formatters do: the whole line, designkit's text around the document's."""
    assert runner_commands(safe_line(before + text + after)) == []


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_JSON_VALUES)
def test_safe_json_is_the_same_data_and_runs_nothing(value: object) -> None:
    for indent in (None, 2):
        text = safe_json(json.dumps(value, indent=indent, ensure_ascii=False))
        assert json.loads(text) == value
        assert runner_commands(text) == []
        assert raw_controls(text) == []


def test_the_utf8_check_agrees_with_the_text_check_on_every_code_point() -> None:
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue  # no UTF-8 for a lone surrogate: pydantic-core never writes one
        char = chr(code)
        for text in (char, f'{{\n\t"a": "{char}\u00b1"\n}}'):
            assert _printable_utf8(text.encode("utf-8")) == _printable_lines(text), hex(code)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_JSON_VALUES)
def test_safe_json_bytes_is_safe_json_of_the_decoded_text(value: object) -> None:
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if any("\ud800" <= c <= "\udfff" for c in text):
        return  # a lone surrogate has no UTF-8 form; pydantic-core refuses one before this
    assert safe_json_bytes(text.encode("utf-8")) == safe_json(text)


_XML_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")).map(
    lambda t: re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", t)
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(_XML_TEXT, _XML_TEXT)
def test_safe_markup_is_the_same_document_and_runs_nothing(text: str, value: str) -> None:
    root = ET.Element("suite", {"value": value})
    ET.SubElement(root, "case").text = text
    ET.indent(root)
    marked = safe_markup(ET.tostring(root, encoding="unicode"))
    back = ET.fromstring(marked)
    assert back.get("value") == value
    assert back.findtext("case") == text
    assert runner_commands(marked) == []


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(_JSON_VALUES)
def test_yaml_is_the_same_data_and_runs_nothing(value: object) -> None:
    text = dump_yaml({"value": value})
    assert YAML(typ="safe").load(text) == {"value": value}
    assert runner_commands(text) == []
    assert raw_controls(text) == []


# ---------------------------------------------------------------- the formatting boundaries

FORGED = "x\n::warning file=a::INJECTED\n::add-mask::zz\r\nsamples/a.md:1:1: error DK999 forged"


def test_a_diagnostic_is_one_line_whatever_it_quotes() -> None:
    diagnostic = Diagnostic(
        "DK302", Severity.ERROR, f"field '{FORGED}'", path="d\n::error::p.md", hint="\x1b[2J"
    )
    text = format_text(diagnostic)
    assert text.splitlines() == [text]
    assert text == (
        "d\\n::error::p.md:0:0: error DK302 field 'x\\n::warning file=a::INJECTED\\n"
        "::add-mask::zz\\r\\nsamples/a.md:1:1: error DK999 forged' (hint: \\x1b[2J)"
    )
    assert json.loads(format_json([diagnostic]))[0]["message"] == f"field '{FORGED}'"


def test_a_user_error_is_one_line_whatever_it_quotes() -> None:
    error = UserError(f"cannot read {FORGED!s}", path="::error::a.md", line=3, hint="##[error]h")
    assert str(error).splitlines() == [str(error)]
    assert str(error).startswith("\\::error::a.md:3: cannot read x\\n::warning")
    assert runner_commands(str(error)) == []


def test_markdown_cells_show_line_breaks_escaped() -> None:
    cell = markdown_report.escape("a\nb | c\x1b[0m")
    assert cell == "a\\\\nb \\| c\\\\x1b\\[0m"  # renders as: a\nb | c\x1b[0m
    assert "\n" not in cell and "\x1b" not in cell


def test_escape_controls_can_keep_line_breaks_for_formats_that_encode_them() -> None:
    assert escape_controls("a\r\nb\x1b\u2028", keep="\r\n") == "a\r\nb\\x1b\\u2028"


# ---------------------------------------------------------------- every output, end to end

FIELD = (
    "x\n::warning file=a::INJECTED\n::add-mask::zz\r\x1b[31m\u2028\u2029\x85\u202e ##[error]F\x00"
)
INLINE = "\x1b[31m\u2028::add-mask::zz\u202e ##[error]F\x85"  # no CR/LF: stays on its line
SYSTEM = "\x1b(B\u2028::add-mask::zz\u202e\x85"  # no brackets: a system name in a diagram


def _design(hostile: bool) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    replacements = [
        ('{"name": "currency"', '{"name": ' + json.dumps(FIELD if hostile else "xq")),
        ("# Integration Design: ", "# Integration Design: T" + (INLINE if hostile else "q") + " "),
        ("| 1s, 2s, 4s | 30s |", "| 1s, 2s, 4s | soon" + (INLINE if hostile else "q") + " |"),
        (
            "[order-exp-api] --> [order-to-cash-prc-api]",
            "[order-exp-api] --> [order" + (SYSTEM if hostile else "q") + "-prc-api]",
        ),
        ("| Single division per order | Pre-send |", "| Single division per order | Later"
         + (INLINE if hostile else "q") + " |"),
    ]  # fmt: skip
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _run(args: list[str], cwd: Path) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "designkit", *args], capture_output=True, cwd=cwd, check=False
    )
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    return done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


SCORE_REPORTS = ["json", "markdown", "summary", "sarif", "junit", "github", "html"]


def _outputs(tmp_path: Path, hostile: bool) -> dict[str, str]:
    """Every output designkit writes for the design, by name (stdout and stderr apart)."""
    folder = tmp_path / ("hostile" if hostile else "plain")
    folder.mkdir()
    (folder / "design.md").write_text(_design(hostile), encoding="utf-8")
    outputs: dict[str, str] = {}
    runs = {
        "parse": ["parse", "design.md"],
        "parse-yaml": ["parse", "--format", "yaml", "design.md"],
        "lint": ["lint", "design.md"],
        "lint-json": ["lint", "--format", "json", "design.md"],
        **{f"lint-{f}": ["lint", "--format", f, "design.md"] for f in ("sarif", "junit", "github")},
        "score": [
            "score",
            "design.md",
            *(f"--report={name}=report.{name}" for name in SCORE_REPORTS),
        ],
        "diagram": ["diagram", "--check", "--format", "mermaid", "design.md"],
        "diagram-dot": ["diagram", "--format", "dot", "design.md"],
        "diagram-mermaid": ["diagram", "--format", "mermaid", "design.md"],
        "diagram-svg": ["diagram", "--format", "svg", "design.md"],
        **{
            f"diagram-{f}": ["diagram", "--format", f, "design.md"]
            for f in ("structurizr", "structurizr-json", "plantuml")
        },
        "scaffold": ["scaffold", "--dry-run", "-o", "project", "design.md"],
    }
    for name, args in runs.items():
        outputs[name], outputs[f"{name} (stderr)"] = _run(args, folder)
    for report in SCORE_REPORTS:
        outputs[f"score {report}"] = (folder / f"report.{report}").read_text(encoding="utf-8")
    return outputs


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, str]]:
    tmp_path = tmp_path_factory.mktemp("outputs")
    return _outputs(tmp_path, hostile=False), _outputs(tmp_path, hostile=True)


OUTPUT_NAMES = [
    *["parse", "parse (stderr)", "parse-yaml", "parse-yaml (stderr)", "lint", "lint (stderr)"],
    *["lint-json", "lint-sarif", "lint-junit", "lint-github", "score", "diagram (stderr)"],
    "scaffold",
    "scaffold (stderr)",
    *["diagram-dot", "diagram-mermaid", "diagram-svg", "diagram-structurizr"],
    *["diagram-structurizr-json", "diagram-plantuml"],
    *(f"score {r}" for r in SCORE_REPORTS),
]  # fmt: skip


@pytest.mark.parametrize("name", OUTPUT_NAMES)
def test_every_output_keeps_its_lines_and_runs_nothing(
    both: tuple[dict[str, str], dict[str, str]], name: str
) -> None:
    plain, hostile = both[0][name], both[1][name]
    assert plain.strip(), f"{name}: nothing to compare"
    assert len(hostile.splitlines()) == len(plain.splitlines()), name
    assert raw_controls(hostile) == [], name
    commands = runner_commands(hostile)
    if name.endswith("github"):  # designkit's own annotations, one per line, and only those
        assert commands == hostile.splitlines()
        assert len(commands) == len(runner_commands(plain)) > 0
        assert all(_OWN_ANNOTATION.fullmatch(line) for line in commands)
    else:
        assert commands == [], name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lint", "'x\\n::warning file=a::INJECTED\\n::add-mask::zz\\r\\x1b[31m\\u2028\\u2029\\x85\\u202e ##\\[error]F\\x00'"),
        ("parse (stderr)", "got 'soon\\x1b[31m\\u2028::add-mask::zz\\u202e ##\\[error]F'"),
        ("score", "required canonical field 'x\\n::warning file=a::INJECTED\\n::add-mask::zz"),
        ("score", ": T\\x1b[31m\\u2028::add-mask::zz\\u202e ##\\[error]F\\x85 Salesforce"),
        ("score markdown", "canonical field 'x\\\\n::warning file=a::INJECTED\\\\n::add-mask::zz"),
        ("score summary", "# T\\\\x1b\\[31m\\\\u2028::add-mask::zz\\\\u202e \\#\\#\\[error\\]F"),
        ("score html", "field &#39;x&#10;&#58;:warning file=a&#58;:INJECTED&#10;&#58;:add-mask&#58;:zz&#13;\\x1b[31m"),
        ("score github", "T\\x1b[31m\\u2028::add-mask::zz\\u202e ##[error]F\\x85 Salesforce"),
        ("diagram-dot", 'label="T\\\\x1b[31m&#8232;::add-mask::zz&#8238; ##&#91;error]F&#133; Salesforce'),
        ("diagram-mermaid", "order\\x1b(B#8232;::add-mask::zz#8238;#133;-prc-api"),
        ("diagram (stderr)", "system 'order\\x1b(B\\u2028::add-mask::zz\\u202e\\x85-prc-api'"),
        ("scaffold (stderr)", "When 'Later\\x1b[31m\\u2028::add-mask::zz\\u202e ##\\[error]F"),
    ],
)  # fmt: skip
def test_each_text_output_shows_the_document_text_escaped(
    both: tuple[dict[str, str], dict[str, str]], name: str, expected: str
) -> None:
    assert expected in both[1][name]


def test_encoded_outputs_keep_the_document_text_exactly(
    both: tuple[dict[str, str], dict[str, str]],
) -> None:
    hostile = both[1]
    model = json.loads(hostile["parse"])
    names = [f["name"] for f in model["data"]["canonical_model"]["fields"]]
    assert FIELD in names
    assert YAML(typ="safe").load(hostile["parse-yaml"]) == model
    messages = [d["message"] for d in json.loads(hostile["lint-json"])]
    assert any(FIELD in m for m in messages)
    assert json.loads(hostile["score json"])["name"].startswith("T" + INLINE)
    design = [
        p.get("value")
        for p in ET.fromstring(hostile["score junit"]).iter("property")
        if p.get("name") == "design"
    ]
    assert design and design[0].startswith("T\ufffd[31m\u2028::add-mask::zz\u202e ##[error]F\x85")


def test_a_file_name_is_shown_escaped_in_every_message(tmp_path: Path) -> None:
    name = "a\n::add-mask::zz ##[error]x.md"
    (tmp_path / name).write_text("# A library\n\nSome readme text.\n", encoding="utf-8")
    for command in (["lint"], ["score"], ["parse"], ["draft"], ["diagram"]):
        done = subprocess.run(
            [sys.executable, "-m", "designkit", *command, name],
            capture_output=True,
            cwd=tmp_path,
            check=False,
        )
        err = done.stderr.decode("utf-8")
        assert done.returncode == 2, err
        assert err.splitlines() == [
            "designkit: a\\n::add-mask::zz ##\\[error]x.md: not an integration design: "
            + err.split(": not an integration design: ", 1)[1].rstrip("\n")
        ]
        assert runner_commands(err) == []


def test_explain_shows_an_unknown_id_escaped() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "designkit", "explain", "X\n::add-mask::zz"],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 2
    err = done.stderr.decode("utf-8")
    assert err.splitlines() == [
        "designkit: unknown id 'X\\n::add-mask::zz' (designkit explain --list lists every id)"
    ]


def test_draft_names_the_file_on_one_line(tmp_path: Path) -> None:
    name = "d\x1b[2J\u2028::add-mask::zz.md"
    (tmp_path / name).write_text(_design(hostile=False), encoding="utf-8")
    _, err = _run(["draft", name, "-o", "draft.md"], tmp_path)
    lines = err.splitlines()
    assert lines[0] == "wrote draft.md"
    assert lines[1].startswith("designkit: d\\x1b[2J\\u2028::add-mask::zz.md (")
    assert len(lines) == 2 and runner_commands(err) == []


# ---------------------------------------------------------------- any inserted text, in-process

_HOSTILE_CHARS = st.sampled_from(
    [*"\n\r\t\x0b\x0c\x1b\x00\x07\x7f", *"\x85\x9b\u2028\u2029\u202e\u2066\u200b\ufeff\ufe0f\u00a0",
     *":#[]%,= \\|`*<>'\"x", "::", "##[", "::add-mask::", "##[error]", "\n::warning::", "\U000e0041"]
)  # fmt: skip
"""Line breaks, controls, bidi and invisible characters, the pieces of workflow commands,
and Markdown specials; no letters that could spell a word a rule reacts to."""

_REPORTS = ["markdown", "summary", "github", "html", "json", "sarif", "junit"]


def _in_process_outputs(folder: Path, name: str) -> dict[str, str]:
    from designkit.lint import lint_design
    from designkit.parse import parse_file
    from designkit.scoring import score_files

    text = _design(hostile=False).replace('{"name": "xq"', '{"name": ' + json.dumps(name), 1)
    path = folder / "design.md"
    path.write_text(text, encoding="utf-8")
    lint = "\n".join(format_text(d) for d in lint_design(parse_file(path))) + "\n"
    run = score_files([str(path)], output_format="text", base_dir=folder, extra_formats=_REPORTS)
    return {"lint": lint, "score text": run.report, **run.extra_reports}


@pytest.fixture(scope="module")
def plain_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _in_process_outputs(tmp_path_factory.mktemp("plain"), "xq")


@settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(_HOSTILE_CHARS, max_size=12).map("".join))
def test_any_field_name_leaves_every_output_its_shape(
    plain_outputs: dict[str, str], tmp_path_factory: pytest.TempPathFactory, inserted: str
) -> None:
    name = f"x{inserted}q"
    outputs = _in_process_outputs(tmp_path_factory.mktemp("any"), name)
    assert outputs.keys() == plain_outputs.keys()
    for output, text in outputs.items():
        plain = plain_outputs[output]
        assert len(text.splitlines()) == len(plain.splitlines()), output
        assert raw_controls(text) == [], output
        if output == "github":
            assert runner_commands(text) == text.splitlines()
            assert len(text.splitlines()) == len(plain.splitlines())
        else:
            assert runner_commands(text) == [], output
    assert f"'{safe_line(name)}'" in outputs["lint"]
