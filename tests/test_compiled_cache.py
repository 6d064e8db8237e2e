"""The compiled cache: a rubric read once comes back from JSON, and never a stale one.

Each test points ``DESIGNKIT_CACHE_DIR`` at its own folder. That the cache is
read at all is shown by editing an entry and seeing the edit come back; that it
is never stale, by editing the rubric (or the rubric it extends) and seeing the
file's new content instead.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designkit.rubric.loader import load_rubric
from designkit.rubric.red_flags import library

LADDER = """\
id: small
name: Small rubric
version: "1"
levels:
  1: Ad hoc
  2: Repeatable
  3: Defined
  4: Managed
  5: Optimized
dimensions:
  - id: reliability
    name: Reliability
    weight: 1
    criteria:
      - id: REL-RETRY
        title: Retries are defined
        level: 2
        severity: high
        check: {present: {path: error_handling.retry_policies}}
        remediation: Define retries.
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DESIGNKIT_CACHE_DIR", str(folder))
    return folder


def entries(cache: Path, kind: str = "rubric") -> list[Path]:
    return sorted((cache / kind).glob("*.json"))


def edit_entry(entry: Path, name: str) -> None:
    stored = json.loads(entry.read_text("utf-8"))
    stored["payload"]["name"] = name
    entry.write_text(json.dumps(stored), "utf-8")


def test_a_rubric_read_once_comes_back_from_the_cache(cache: Path, tmp_path: Path) -> None:
    rubric_file = tmp_path / "small.yaml"
    rubric_file.write_text(LADDER, "utf-8")
    first = load_rubric(rubric_file)
    (entry,) = entries(cache)
    assert load_rubric(rubric_file) == first
    edit_entry(entry, "Read from the cache")
    assert load_rubric(rubric_file).name == "Read from the cache"


def test_the_builtin_rubric_from_the_cache_equals_the_one_built(cache: Path) -> None:
    """Read from the cache, the rubric skips its semantic checks: every field must still
    come back as built (a validator that answers for a trusted entry must keep the value)."""
    built = load_rubric()
    assert entries(cache)
    assert load_rubric() == built
    assert any(criterion.red_flag for _, criterion in built.criteria())


def test_an_edited_rubric_is_read_again(cache: Path, tmp_path: Path) -> None:
    rubric_file = tmp_path / "small.yaml"
    rubric_file.write_text(LADDER, "utf-8")
    load_rubric(rubric_file)
    rubric_file.write_text(LADDER.replace("Small rubric", "Edited rubric"), "utf-8")
    assert load_rubric(rubric_file).name == "Edited rubric"
    assert len(entries(cache)) == 2


def test_an_edit_to_the_extended_rubric_is_read_again(cache: Path, tmp_path: Path) -> None:
    base = tmp_path / "small.yaml"
    base.write_text(LADDER, "utf-8")
    child = tmp_path / "team.yaml"
    child.write_text("extends: small.yaml\nid: team\n", "utf-8")
    assert load_rubric(child).dimensions[0].criteria[0].title == "Retries are defined"
    base.write_text(LADDER.replace("Retries are defined", "Retries are written down"), "utf-8")
    assert load_rubric(child).dimensions[0].criteria[0].title == "Retries are written down"


def test_the_source_is_the_path_given_not_the_one_cached(cache: Path, tmp_path: Path) -> None:
    rubric_file = tmp_path / "small.yaml"
    rubric_file.write_text(LADDER, "utf-8")
    load_rubric(rubric_file)
    assert load_rubric(str(rubric_file)).source == str(rubric_file)
    relative = Path("..") / tmp_path.name / "small.yaml"
    assert load_rubric(tmp_path / relative).source == str(tmp_path / relative)


@pytest.mark.parametrize("garbage", ["", "{not json", '{"files": [], "payload": {"id": 1}}'])
def test_a_broken_entry_is_ignored(cache: Path, tmp_path: Path, garbage: str) -> None:
    rubric_file = tmp_path / "small.yaml"
    rubric_file.write_text(LADDER, "utf-8")
    first = load_rubric(rubric_file)
    (entry,) = entries(cache)
    entry.write_text(garbage, "utf-8")
    assert load_rubric(rubric_file) == first


def test_an_unusable_cache_folder_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("DESIGNKIT_CACHE_DIR", str(blocker))
    assert load_rubric().id == "integration-maturity"
    monkeypatch.setenv("DESIGNKIT_CACHE_DIR", "")
    assert load_rubric().id == "integration-maturity"
    assert blocker.read_text("utf-8") == "not a folder"


def test_the_red_flag_library_is_cached_too(cache: Path) -> None:
    library.cache_clear()
    try:
        from_yaml = library()
        (entry,) = entries(cache, "red-flags")
        library.cache_clear()
        assert library() == from_yaml
        stored = json.loads(entry.read_text("utf-8"))
        assert stored["payload"]["flags"][0]["code"] == "SEC-01"
        stored["payload"]["flags"][0]["meaning"] = "read from the cache"
        entry.write_text(json.dumps(stored), "utf-8")
        library.cache_clear()
        assert library().flags["SEC-01"].meaning == "read from the cache"
    finally:
        library.cache_clear()


def test_the_template_model_from_the_cache_equals_the_one_parsed(cache: Path) -> None:
    from designkit.rubric import template_defaults

    template_defaults.template_model.cache_clear()
    built = template_defaults.template_model()
    assert entries(cache, "template-model")
    template_defaults.template_model.cache_clear()
    assert template_defaults.template_model() == built
    template_defaults.template_model.cache_clear()


def test_the_parser_fingerprint_changes_with_its_code(tmp_path: Path) -> None:
    """The template model is keyed by the parser's code: an edited checkout with the same
    version number must not read what the old parser built."""
    from designkit.compiled_cache import source_fingerprint

    module = tmp_path / "pkg" / "reader.py"
    module.parent.mkdir()
    module.write_text("A = 1\n", "utf-8")
    before = source_fingerprint(tmp_path / "pkg")
    assert source_fingerprint(tmp_path / "pkg") == before
    module.write_text("A = 12\n", "utf-8")
    assert source_fingerprint(tmp_path / "pkg") != before
    (tmp_path / "pkg" / "new.py").write_text("", "utf-8")
    assert len({before, source_fingerprint(tmp_path / "pkg")}) == 2


def test_a_rubric_cached_by_other_validating_code_is_validated_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rubric entry is keyed by the rubric package's code: a checkout whose checks
    became stricter (same version number) must not take a rubric an older check let
    through (a compare ``factor`` of ``abc`` once passed ``rubric check``)."""
    from designkit import compiled_cache

    rubric_file = tmp_path / "small.yaml"
    rubric_file.write_text(LADDER, "utf-8")
    load_rubric(rubric_file)
    (entry,) = entries(cache)
    edit_entry(entry, "Built by the older code")
    monkeypatch.setattr(compiled_cache, "source_fingerprint", lambda folder: "newer code")
    assert load_rubric(rubric_file).name == "Small rubric"
    assert len(entries(cache)) == 2
