"""``designkit assess`` end to end on the bundled exports: folder written, secrets nowhere, scores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from designkit.cli import main

EXPORTS = Path(__file__).parent / "data" / "exports"
SECRET_LITERALS = ("demo-token-7f3a9c", "hunter2", "demo-key-123")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_assess_writes_inventory_and_designs_and_never_a_secret(tmp_path: Path) -> None:
    out = tmp_path / "assessment"
    code, stdout, _ = run("assess", str(EXPORTS / "workato"), "-o", str(out))
    assert code == 0, stdout
    data = json.loads((out / "inventory.json").read_text())
    names = [i["name"] for i in data["inventory"]["integrations"]]
    assert "Nightly order sync" in names and len(names) == len(list(out.glob("designs/*.md")))
    flags = {(f["code"], Path(f["path"]).name, f["line"]) for f in data["red_flags"]}
    assert ("SEC-01", "nightly_order_sync.recipe.json", 32) in flags
    assert ("SEC-02", "nightly_order_sync.recipe.json", 147) in flags
    everything = stdout + "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    for literal in SECRET_LITERALS:
        assert literal not in everything
    design = out / "designs" / "nightly-order-sync.md"
    text = design.read_text()
    assert "**Type**: Improvement Roadmap" in text and "nightly_order_sync.recipe.json" in text
    roadmap = (out / "roadmap.md").read_text()
    assert "Preliminary, static assessment" in roadmap
    assert "| SEC-01 | critical |" in roadmap and "nightly_order_sync.recipe.json:32" in roadmap
    assert sorted(p.name for p in out.glob("roadmaps/*.md")) == sorted(
        p.name for p in out.glob("designs/*.md")
    )
    code, report, _ = run("score", str(design), "--format", "json")
    assert code in (0, 1)  # scored: findings, never unusable
    card = json.loads(report)
    card = card[0] if isinstance(card, list) else card
    assert card["overall"]["level"] >= 1


def test_a_rerun_replaces_its_own_files_but_not_an_edited_design(tmp_path: Path) -> None:
    out, synthetic = tmp_path / "a", str(EXPORTS / "workato" / "synthetic")
    assert run("assess", synthetic, "-o", str(out))[0] == 0
    assert run("assess", synthetic, "-o", str(out))[0] == 0
    design = out / "designs" / "nightly-order-sync.md"
    design.write_text(design.read_text() + "\nInterview notes.\n")
    code, _, stderr = run("assess", synthetic, "-o", str(out))
    assert code == 2 and "nightly-order-sync.md" in stderr and "not overwritten" in stderr
    assert design.read_text().endswith("Interview notes.\n")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr


def test_a_malformed_export_is_one_line_with_its_line_and_exit_2(tmp_path: Path) -> None:
    source = EXPORTS / "workato" / "synthetic" / "new_account_webhook.recipe.json"
    broken = tmp_path / "broken.recipe.json"
    broken.write_text(source.read_text()[:200])
    code, _, stderr = run("assess", str(broken), "-o", str(tmp_path / "out"))
    assert code == 2 and stderr.startswith(f"designkit: {broken}:") and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_files_no_reader_knows_are_listed_not_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "estate"
    shutil.copytree(EXPORTS / "workato" / "synthetic", folder)
    (folder / "notes.txt").write_text("password=hunter2\n")
    code, stdout, _ = run("assess", str(folder), "-o", str(tmp_path / "out"))
    assert code == 0 and "1 file(s) not recognised" in stdout
    assert "notes.txt" in (tmp_path / "out" / "inventory.md").read_text()
    code, _, stderr = run("assess", str(folder / "notes.txt"), "-o", str(tmp_path / "out2"))
    assert code == 2 and "no reader recognises this file" in stderr


def test_each_platforms_roadmap_promises_the_levels_score_then_gives(tmp_path: Path) -> None:
    """The issue's promise, on current-state designs written from exports: apply every
    change of each roadmap and re-score; every dimension lands on the promised level."""
    from designkit.parse import parse_file
    from designkit.roadmap import apply_to_document, plan_roadmap
    from designkit.rubric import load_rubric
    from designkit.scoring import score_files

    exports = [
        EXPORTS / "workato" / "synthetic" / "nightly_order_sync.recipe.json",
        EXPORTS / "talend" / "synthetic" / "process" / "orders_api_0.1.item",
        EXPORTS / "mule" / "synthetic" / "orders-sync",
    ]
    out = tmp_path / "assessment"
    assert run("assess", *map(str, exports), "-o", str(out))[0] == 0
    platforms = set()
    names = ("nightly-order-sync", "orders-api", "poll-orders", "order-webhook")
    for design in [out / "designs" / f"{name}.md" for name in names]:
        parsed = parse_file(str(design))
        roadmap = plan_roadmap(parsed, load_rubric(None), None)
        assert roadmap.items, design.name
        changed = tmp_path / design.name
        changed.write_text(apply_to_document(parsed, [e for i in roadmap.items for e in i.changes]))
        (card,) = score_files([str(changed)], output_format="json").cards
        assert {d.id: d.level for d in card.dimensions} == {
            d.id: d.level_after for d in roadmap.dimensions
        }, design.name
        reference = design.read_text().split("designkit assess of ", 1)[1].split("\n", 1)[0]
        platforms |= {p for p in ("workato", "talend", "mule") if f"/{p}/" in reference}
    assert platforms >= {"workato", "talend", "mule"}
