"""The HTML report: one self-contained page, every document value escaped.

The last test opens the page in a real headless Chromium (Debian's ``chromium``
package); it is skipped when the browser is missing, unless CI or
DESIGNKIT_REQUIRE_SERVICES=1 says it must run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from designkit.report import html_report, html_template, html_text, radar_chart
from designkit.rubric.scorecard import Scorecard
from tests.conftest import ROOT
from tests.test_reports import (
    API_LED,
    IMG,
    PARTIAL,
    SCRIPT,
    TEMPLATE,
    context,
    finding,
    make_card,
    score_path,
    score_text,
    tricky_card,
    with_suppression,
)

CHROMIUM = Path("/usr/bin/chromium")
PWNED = "<script>document.title='pwned'</script>"


class Elements(HTMLParser):
    """Every element of a page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title" and len([e for e in self.elements if e[0] == "title"]) == 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def tags(self) -> list[str]:
        return [tag for tag, _ in self.elements]


def elements(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def hostile_design() -> str:
    """The partial sample renamed to a payload, with the payload in an accepted finding's reason."""
    text = PARTIAL.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    assert first.startswith("# Integration Design:")
    return f"# Integration Design: {SCRIPT} {IMG} {PWNED}\n{rest}"


def hostile_card() -> Scorecard:
    card = score_text(hostile_design(), f"designs/{IMG}.md")
    assert card.name is not None and SCRIPT in card.name
    extra = finding(
        "SEC-PAYLOAD",
        "high",
        dimension=card.dimensions[0].id,
        message=f"{SCRIPT} {IMG} {PWNED}",
        remediation=f"{IMG} fix",
        path=card.file,
        suppressed=True,
        reason=f"{SCRIPT} {IMG}",
    )
    loud = finding(
        "OPS-PAYLOAD",
        "critical",
        dimension=card.dimensions[0].id,
        message=f"{PWNED} {IMG}",
        remediation=SCRIPT,
        path=card.file,
    )
    return card.model_copy(update={"findings": [loud, *card.findings, extra]})


# ---------------------------------------------------------------- structure


def test_single_design_page() -> None:
    card = score_path(API_LED)
    page = html_report.render([card], context())
    parsed = elements(page)
    assert page.startswith("<!DOCTYPE html>")
    assert parsed.tags().count("svg") == 1  # the radar
    assert card.name is not None and card.name in page
    assert html_text.breakable(card.file) in page
    assert f"{card.overall.score:.1f} / 5" in page
    assert f"level {card.overall.level} ({card.overall.label})" in page
    for dimension in card.dimensions:
        assert escape(dimension.name) in page
    classes = [attrs.get("class") for _, attrs in parsed.elements]
    for name in ("radar", "dimensions", "findings", "gaps", "facts"):
        assert name in classes, name
    assert ("polygon", {"class": "level", "points": _points(parsed, "level")}) in parsed.elements
    assert _points(parsed, "target")  # the document sets a target
    assert page.count('class="ring"') == 5


def _points(parsed: Elements, name: str) -> str:
    found = [
        a.get("points") for t, a in parsed.elements if t == "polygon" and a.get("class") == name
    ]
    return (found[0] or "") if found else ""


def test_radar_geometry() -> None:
    card = make_card(target=4)
    svg = str(radar_chart.radar_svg(card.dimensions, 4, "x"))
    parsed = elements(svg)
    level = _points(parsed, "level").split()
    target = _points(parsed, "target").split()
    assert len(level) == len(target) == len(card.dimensions)
    cx, cy = 280.0, 220.0
    for point, dimension in zip(level, card.dimensions, strict=True):
        x, y = (float(v) for v in point.split(","))
        assert abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - 30 * dimension.level) < 0.2
    for point in target:
        x, y = (float(v) for v in point.split(","))
        assert abs(((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 - 120) < 0.2
    labels = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    joined = " ".join(labels).replace("&amp;", "&")
    for dimension in card.dimensions:
        assert all(word in joined for word in dimension.name.split())
    assert "stroke-dasharray" in html_template.TEMPLATE  # the target is dashed
    assert not _points(elements(str(radar_chart.radar_svg(card.dimensions, None, "x"))), "target")


def test_gaps_list_the_remediations_that_hold_back_the_next_level() -> None:
    card = make_card(
        [
            finding("REL-GAP", "high", dimension="dim3", level=2, remediation="Add retries."),
            finding("REL-LATER", "low", dimension="dim3", level=4, remediation="Later work."),
        ]
    )
    page = html_report.render([card], context())
    match = re.search(r"<h3>Gaps to the next level</h3>(.*?)(?:<h3>|</section>)", page, re.DOTALL)
    assert match is not None
    gaps = match.group(1)
    assert "Dimension 3 &amp; co</strong>: level 1 → 2" in gaps
    assert "REL-GAP" in gaps and "Add retries." in gaps
    assert "Later work." not in gaps  # level 4 does not hold back level 2


def test_suppressed_findings_and_reasons(tmp_path: Path) -> None:
    card = with_suppression(TEMPLATE, tmp_path)
    page = html_report.render([card], context())
    assert '<table class="suppressed">' in page
    assert "accepted by the architecture board | &lt;b&gt;ok&lt;/b&gt;" in page


def test_several_designs_get_a_summary_and_a_section_each() -> None:
    cards = [score_path(PARTIAL), score_path(API_LED), tricky_card()]
    page = html_report.render(cards, context())
    parsed = elements(page)
    sections = [a.get("id") for t, a in parsed.elements if t == "section" and a.get("id")]
    assert sections == ["design-1", "design-2", "design-3"]
    links = [a.get("href") for t, a in parsed.elements if t == "a"]
    assert links == ["#design-1", "#design-2", "#design-3"]
    assert parsed.tags().count("svg") == len(cards)


def test_diagrams_are_embedded() -> None:
    card = make_card(file="a.md")
    other = make_card(file="b.md")
    svg = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        "<!-- Generated by graphviz -->\n"
        '<svg width="100pt" height="50pt" viewBox="0 0 100 50">'
        '<g id="graph0" class="graph"><text x="5" y="20">Source</text></g></svg>\n'
    )
    mermaid = "flowchart LR\n  A[<script>x</script>] --> B"
    ctx = context()
    ctx = type(ctx)(
        rubric=ctx.rubric, base_dir=ctx.base_dir, diagrams={"a.md": svg, "b.md": mermaid}
    )
    page = html_report.render([card, other], ctx)
    assert '<div class="diagram"><svg width="100pt"' in page
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert (
        '<pre class="mermaid">flowchart LR\n  A[&lt;script&gt;x&lt;/script&gt;] --&gt; B</pre>'
        in page
    )
    assert "script" not in elements(page).tags()


# ---------------------------------------------------------------- safety


def test_document_text_cannot_add_elements() -> None:
    page = html_report.render([hostile_card(), tricky_card()], context())
    parsed = elements(page)
    tags = set(parsed.tags())
    assert "script" not in tags
    assert "img" not in tags
    for _, attrs in parsed.elements:
        assert not any(name.startswith("on") for name in attrs), attrs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "pwned" not in parsed.title


def test_page_is_self_contained() -> None:
    page = html_report.render(
        [hostile_card(), score_path(API_LED), score_path(TEMPLATE)], context()
    )
    for _, attrs in elements(page).elements:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), (name, value)
            assert not value.startswith("javascript:"), (name, value)
        assert attrs.get("rel") != "stylesheet"
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "Content-Security-Policy" in page


def test_html_is_deterministic() -> None:
    cards = [hostile_card(), score_path(PARTIAL)]
    assert html_report.render(cards, context()) == html_report.render(cards, context())


# ---------------------------------------------------------------- a real browser


def _require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    if os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{CHROMIUM} is missing: .ci/run must `apt-get install -y chromium`")
    pytest.skip(
        f"{CHROMIUM} not installed (apt-get install chromium); the browser check is skipped"
    )


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(_require_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *extra,
        page.as_uri(),
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL
    )


@pytest.mark.browser
def test_chromium_renders_the_page_and_runs_no_payload(tmp_path: Path) -> None:
    _require_chromium()
    cards = [hostile_card(), score_path(API_LED)]
    page = tmp_path / "report.html"
    page.write_text(html_report.render(cards, context()), encoding="utf-8")
    result = _chromium(page, tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<svg" in dom and 'class="radar"' in dom
    assert '<table class="findings">' in dom
    parsed = elements(dom)
    assert parsed.title.startswith("designkit scorecards")
    assert "pwned" not in parsed.title
    assert "script" not in parsed.tags() and "img" not in parsed.tags()

    shot = tmp_path / "shot.png"
    result = _chromium(
        page,
        tmp_path / "profile-shot",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    keep = os.environ.get("DESIGNKIT_KEEP_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


def test_sample_reports_render_for_review(tmp_path: Path) -> None:
    """All samples in one page parse cleanly (the page a reviewer would open)."""
    cards = [score_path(p) for p in sorted((ROOT / "samples").glob("*.md"))]
    page = html_report.render(cards, context())
    parsed = elements(page)
    assert parsed.tags().count("section") == len(cards) + 1


def test_missing_chromium_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tests.test_html_report as module

    monkeypatch.setattr(module, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DESIGNKIT_REQUIRE_SERVICES", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        module._require_chromium()
    monkeypatch.setenv("DESIGNKIT_REQUIRE_SERVICES", "1")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        module._require_chromium()
    monkeypatch.delenv("DESIGNKIT_REQUIRE_SERVICES")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        module._require_chromium()
