"""Render the README's pictures from the samples (``make readme-images``).

``docs/images/pr-comment.png`` is the Markdown pull-request comment of
``designkit score samples/event-driven-shopify-netsuite.md --baseline
samples/history/event-driven-shopify-netsuite.v1.md --format markdown``, turned
into HTML with markdown-it (GitHub's table and ``<details>`` rendering) and
GitHub-like styles; ``docs/images/html-report.png`` is the HTML report of the
same run. Both are screenshots by headless Chromium, so they show what the code
produces, not a drawing of it.

``docs/images/diagrams/<sample>.svg`` is ``designkit diagram samples/<sample>.md``
for every sample, through Graphviz: the pictures to review by eye after a change
to the diagrams (the README shows one); ``--diagrams-only`` renders just these.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
BUILD = ROOT / "build" / "readme-images"
NEW = "samples/event-driven-shopify-netsuite.md"
OLD = "samples/history/event-driven-shopify-netsuite.v1.md"

GITHUB_STYLE = """
body { margin: 0; background: #fff; }
.comment { max-width: 1012px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px;
  font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; }
.comment > header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
  color: #59636e; border-radius: 6px 6px 0 0; }
.comment > header b { color: #1f2328; }
.body { padding: 4px 16px 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h4 { font-size: 1em; margin: 20px 0 8px; }
table { border-collapse: collapse; margin: 8px 0 12px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
tr:nth-child(2n) td { background: #f6f8fa; }
code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #eff1f3;
  padding: .2em .4em; border-radius: 6px; }
details summary { cursor: pointer; }
"""


def designkit(*args: str) -> str:
    command = [str(Path(sys.executable).parent / "designkit"), *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def comment_page(markdown: str) -> str:
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        + GITHUB_STYLE
        + '</style></head><body><div class="comment"><header><b>github-actions</b> bot '
        'commented</header><div class="body">' + body + "</div></div></body></html>"
    )


def screenshot(page: Path, target: Path, size: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium fonts-dejavu-core")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
                f"--user-data-dir={profile}",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--window-size={size}",
                f"--screenshot={target}",
                page.as_uri(),
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
    print(f"wrote {target}")


def diagrams(images: Path) -> None:
    """Each sample's architecture as SVG (vector: sharp at any zoom, small in git)."""
    if shutil.which("dot") is None:
        raise SystemExit("Graphviz is not installed: apt-get install -y graphviz")
    folder = images / "diagrams"
    folder.mkdir(parents=True, exist_ok=True)
    for sample in sorted((ROOT / "samples").glob("*.md")):
        target = folder / f"{sample.stem}.svg"
        designkit("diagram", str(sample.relative_to(ROOT)), "-o", str(target))
        print(f"wrote {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNGs")
    parser.add_argument(
        "--diagrams-only", action="store_true", help="render only the samples' diagrams"
    )
    arguments = parser.parse_args(argv)
    images = arguments.out.resolve()
    images.mkdir(parents=True, exist_ok=True)
    diagrams(images)
    if arguments.diagrams_only:
        return 0
    BUILD.mkdir(parents=True, exist_ok=True)
    markdown = designkit("score", NEW, "--baseline", OLD, "--format", "markdown")
    (BUILD / "pr-comment.md").write_text(markdown, encoding="utf-8")
    comment = BUILD / "pr-comment.html"
    comment.write_text(comment_page(markdown), encoding="utf-8")
    screenshot(comment, images / "pr-comment.png", "1060,1480")
    report = BUILD / "report.html"
    designkit("score", NEW, "--baseline", OLD, "--format", "html", "-o", str(report))
    screenshot(report, images / "html-report.png", "1280,1500")
    return 0


if __name__ == "__main__":
    sys.exit(main())
