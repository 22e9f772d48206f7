"""The HTML report in a real browser: Debian's chromium driven by selenium.

The report of the seeds must show its columns side by side with highlights and the
matrix; focusing, clicking or hovering a span must light up the same claim in the
other columns and describe it; an article full of ``<script>`` and ``onerror=`` must
run nothing. Screenshots go to test-artifacts/ (gitignored) for a person to look at.

Needs /usr/bin/chromium and /usr/bin/chromedriver (``apt-get install chromium
chromium-driver``; .ci/run does it). Without them every test here is SKIPPED with
that reason, never passed. Selenium is given both paths, so its manager never
downloads anything; the browser runs headless with a throw-away profile and no
background networking, on file:// pages.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.compare.pipeline import compare
from api.engines.offline import OfflineEngine
from api.ingest.inputs import article_from_input, load_articles
from api.models import ArticleInput, ClusterStatus, Comparison
from api.reports.html import render_comparison_html
from api.reports.view import status_word
from tests.conftest import SEEDS
from tests.reports.test_report_html import BREAKOUT, hostile_comparison

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install -y chromium chromium-driver"
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--window-size=1440,1000",
)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    if missing:
        pytest.skip(
            f"browser tests need Debian's chromium ({', '.join(missing)} missing): {INSTALL}"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    with tempfile.TemporaryDirectory(prefix="parallax-chromium-") as profile:
        for flag in (*CHROME_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def seeds() -> Comparison:
    articles, errors = load_articles(SEEDS, max_bytes=2_000_000, keep_going=False)
    assert not errors
    return asyncio.run(compare(articles, OfflineEngine(), max_words=75, summary_max_words=40))


def open_report(driver: Any, c: Comparison, directory: Path) -> None:
    page = directory / "report.html"
    page.write_text(render_comparison_html(c), encoding="utf-8")
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(page.as_uri())
    assert driver.execute_script("return document.documentElement.dataset.ready") == "1", (
        "the report's script did not run (blocked by its CSP?)"
    )


@pytest.fixture
def report(browser: Any, seeds: Comparison, tmp_path: Path) -> Any:
    open_report(browser, seeds, tmp_path)
    return browser


def css(driver: Any, selector: str) -> list[Any]:
    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def classes(element: Any) -> set[str]:
    return set((element.get_attribute("class") or "").split())


def same_cluster(driver: Any, mark: Any) -> list[Any]:
    return css(driver, f'mark.claim[data-cluster="{mark.get_attribute("data-cluster")}"]')


def pane_of(mark: Any) -> str:
    return str(mark.find_element(By.XPATH, "ancestor::article").get_attribute("id"))


def point_at(driver: Any, mark: Any) -> None:
    """Click the status tag at the start of ``mark`` (a long span's centre may lie
    outside it when the span wraps over several lines)."""
    mark.find_element(By.CSS_SELECTOR, ".tag").click()


def csp_errors(driver: Any) -> list[str]:
    return [
        e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]
    ]


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    return path


def test_seeds_report_shows_columns_side_by_side_with_highlights_and_matrix(
    report: Any, seeds: Comparison
) -> None:
    panes = css(report, "#columns > article.pane")
    assert len(panes) == len(seeds.articles) == 4
    tops = {round(p.rect["y"]) for p in panes}
    lefts = [p.rect["x"] for p in panes]
    assert len(tops) == 1 and lefts == sorted(lefts)  # one row, left to right
    assert all(p.is_displayed() for p in panes)
    for status in ClusterStatus:
        marks = css(report, f"#columns mark.status-{status.value}")
        assert marks, status
        assert marks[0].find_element(By.CSS_SELECTOR, ".tag").text.lower() == status_word(status)
    assert all(m.get_attribute("tabindex") == "0" for m in css(report, "#columns mark"))
    headers = [th.text for th in css(report, "table.matrix thead th[scope=col]")]
    assert len(headers) == 5 and headers[0] == "Claim"
    rows = css(report, "table.matrix tbody tr")
    assert len(rows) == len(seeds.clusters)
    assert css(report, "table.matrix tbody th[scope=row]")
    assert csp_errors(report) == []


def test_clicking_a_conflict_lights_up_its_counterparts_and_shows_values(
    report: Any, seeds: Comparison
) -> None:
    conflict = next(cl for cl in seeds.clusters if cl.conflict and len(cl.articles) >= 3)
    assert conflict.conflict is not None
    marks = css(report, f'mark.claim[data-cluster="{conflict.id}"]')
    report.execute_script("document.getElementById('cluster-panel').scrollIntoView()")
    point_at(report, marks[0])

    assert report.switch_to.active_element == marks[0]
    assert "is-active" in classes(marks[0])
    others = [m for m in marks[1:]]
    assert len({pane_of(m) for m in marks}) == len(conflict.articles)
    assert others and all("is-linked" in classes(m) for m in others)
    lit = css(report, "#columns mark.is-linked, #columns mark.is-active")
    assert {m.get_attribute("data-cluster") for m in lit} == {conflict.id}
    row = report.find_element(By.CSS_SELECTOR, f'tr[data-cluster="{conflict.id}"]')
    assert "is-linked" in classes(row)

    panel = report.find_element(By.ID, "cluster-panel")
    assert panel.get_attribute("data-status") == "conflict"
    names = {a.id: a.outlet for a in seeds.articles}
    values = {
        r.find_element(By.TAG_NAME, "th").text: r.find_element(By.TAG_NAME, "td").text
        for r in panel.find_elements(By.CSS_SELECTOR, "tbody tr")
    }
    assert values == {names[v.article_id]: v.value for v in conflict.conflict.values}
    for pane in css(report, "#columns .text"):  # every counterpart scrolled into its column
        for mark in pane.find_elements(By.CSS_SELECTOR, "mark.is-linked"):
            top = report.execute_script("return arguments[0].offsetTop", mark)
            view = report.execute_script(
                "return [arguments[0].scrollTop, arguments[0].clientHeight]", pane
            )
            assert view[0] <= top <= view[0] + view[1]
    shot = screenshot(report, "seeds-report.png")
    assert shot.stat().st_size > 10_000


def test_keyboard_moves_between_spans_and_escape_clears(report: Any) -> None:
    first, second = css(report, "#columns mark.claim")[:2]
    point_at(report, first)
    ActionChains(report).send_keys(Keys.TAB).perform()
    assert report.switch_to.active_element == second
    assert "is-active" in classes(second) and "is-active" not in classes(first)
    panel = report.find_element(By.ID, "cluster-panel")
    assert f"status-{panel.get_attribute('data-status')}" in classes(second)
    ActionChains(report).send_keys(Keys.ESCAPE).perform()
    assert css(report, "#columns .is-active, #columns .is-linked") == []
    assert panel.get_attribute("data-status") is None
    assert "Hover over, tab to or click" in panel.text


def test_hovering_a_span_lights_up_its_counterparts(report: Any) -> None:
    mark = css(report, "#columns mark.status-consensus")[0]
    report.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    ActionChains(report).move_to_element(mark.find_element(By.CSS_SELECTOR, ".tag")).perform()
    linked = same_cluster(report, mark)
    assert len(linked) >= 2 and all("is-linked" in classes(m) or m == mark for m in linked)
    assert "Reported by 4 of 4" in report.find_element(By.ID, "cluster-panel").text
    ActionChains(report).move_to_element(report.find_element(By.TAG_NAME, "h1")).perform()
    assert css(report, "#columns .is-linked") == []


def test_a_matrix_cell_focuses_its_span(report: Any) -> None:
    link = css(report, "table.matrix td.cell-conflicts a")[0]
    target = link.get_attribute("href").split("#", 1)[1]
    report.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    active = report.switch_to.active_element
    assert active.get_attribute("id") == target
    assert "is-active" in classes(active)


def test_hostile_article_runs_no_script(browser: Any, tmp_path: Path) -> None:
    c = hostile_comparison()
    open_report(browser, c, tmp_path)
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.execute_script("return window.__pwned") is None
    assert css(browser, "img, iframe, object, embed") == []
    assert len(css(browser, "script")) == 2
    evil = browser.find_element(By.ID, "article-a3")
    assert "<script>alert(1)</script>" in evil.text
    assert "<img src=x onerror=alert(2)>" in evil.text
    assert "[a link](javascript:alert(3))" in evil.text
    assert "<b>Evil</b> Outlet" in evil.find_element(By.TAG_NAME, "h3").text
    # The label with a </script> break-out travels through the JSON block into the panel.
    mark = browser.find_element(By.ID, "claim-a3.c2")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    point_at(browser, mark)
    assert BREAKOUT in browser.find_element(By.ID, "cluster-panel").text
    assert browser.execute_script("return window.__pwned") is None
    assert csp_errors(browser) == []
    screenshot(browser, "hostile-report.png")


def test_thirty_outlets_scroll_inside_their_boxes(browser: Any, tmp_path: Path) -> None:
    seeds = load_articles(SEEDS, max_bytes=2_000_000, keep_going=False)[0]
    articles = [
        article_from_input(
            ArticleInput(text=a.text, title=a.title, outlet=f"{a.outlet} #{n}"),
            article_id=f"a{n}",
            source=a.source,
        )
        for n, a in enumerate(seeds * 8, 1)
    ][:30]
    c = asyncio.run(compare(articles, OfflineEngine(), max_words=75, summary_max_words=40))
    open_report(browser, c, tmp_path)
    assert len(css(browser, "#columns > article.pane")) == 30
    assert css(browser, "table.matrix td.cell-blank")  # their hidden text too stays inside
    width = browser.execute_script("return document.documentElement.clientWidth")
    page = browser.execute_script("return document.documentElement.scrollWidth")
    assert page <= width  # the page itself does not scroll sideways ...
    for box in ("columns", "coverage"):
        element = browser.find_element(By.ID, box)
        if box == "coverage":
            element = element.find_element(By.CSS_SELECTOR, ".matrix-wrap")
        scroll, client = browser.execute_script(
            "return [arguments[0].scrollWidth, arguments[0].clientWidth]", element
        )
        assert scroll > client, box  # ... the columns and the matrix do
    screenshot(browser, "thirty-outlets.png")
    # With this many outlets, a conflict's values are grouped: each value, then who.
    conflict = next(cl for cl in c.clusters if cl.conflict and len(cl.conflict.values) > 8)
    assert conflict.conflict is not None
    mark = css(browser, f'#columns mark[data-cluster="{conflict.id}"]')[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    point_at(browser, mark)
    rows = browser.find_elements(By.CSS_SELECTOR, "#cluster-panel tbody tr")
    cells = [
        (r.find_element(By.TAG_NAME, "th").text, r.find_element(By.TAG_NAME, "td").text)
        for r in rows
    ]
    assert {value for value, _ in cells} == {v.value for v in conflict.conflict.values}
    assert all(re.match(r"\d+ outlets?: ", who) for _, who in cells), cells
