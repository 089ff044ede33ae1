"""The site in a real headless Chromium (Debian's chromium and chromium-driver, driven by Selenium).

Pages are served by a real `cubakg serve`. The assertions are on the rendered DOM;
a screenshot of each page is kept in tests/artifacts/site/. Any console error fails.
Skipped, with the reason, where Chromium or its driver is absent (.ci/run installs them).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from site_support import site_dir
from test_serve import start_serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent / "artifacts" / "site"
# As the machine's notes say: no sandbox as root, and nothing that reaches out to the network.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


@pytest.fixture(scope="module")
def base_url():
    process, announced = start_serve("--port", "0", "--site", str(site_dir()))
    try:
        yield announced["Browser page"]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).is_file() and Path(DRIVER).is_file()):
        pytest.skip("Chromium is not installed: apt-get install chromium chromium-driver (.ci/run does)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a test dependency: pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")
    profile = tempfile.mkdtemp(prefix="cubakg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,2000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def visit(browser, url: str, screenshot: str | None = None):
    browser.get(url)
    browser.execute_script("return document.readyState")
    if screenshot:
        browser.save_screenshot(str(ARTIFACTS / screenshot))
    return browser


def console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_the_person_page_shows_his_quotes_highlighted(browser, base_url):
    visit(browser, base_url + "id/person/carlos-fernandez-de-cossio", "carlos-fernandez-de-cossio.png")
    assert browser.find_element("css selector", "h1").text == "Carlos Fernandez de Cossio"
    marks = browser.find_elements("css selector", "blockquote.quote mark")
    highlighted = [mark.text for mark in marks if mark.is_displayed()]
    # Read in the articles: 003 "Leading the Cuban delegation will be the deputy foreign minister, Carlos
    # Fernandez de Cossio"; 000 "They were received by Vice Minister of Foreign Affairs, Carlos Fernandez de Cossio".
    assert any("the deputy foreign minister, Carlos Fernandez de Cossio" in text for text in highlighted), highlighted
    assert any("Vice Minister of Foreign Affairs, Carlos Fernandez de Cossio" in text for text in highlighted)
    colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", marks[0])
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    headings = [h.text for h in browser.find_elements("css selector", "h2")]
    assert any(h.startswith("Posts held") for h in headings) and any(h.startswith("Events taken part in") for h in headings)
    assert not console_errors(browser)


def test_the_article_page_marks_every_evidence_span(browser, base_url):
    visit(browser, base_url + "id/article/003_04d8b4ff46bc92ce", "article-003.png")
    # For each evidence entry, the marked stretches naming it, joined, are its words.
    joined = browser.execute_script("""
        const out = {};
        for (const item of document.querySelectorAll('ol.evidence > li')) {
          const marks = [...document.querySelectorAll('.text mark')].filter(m => m.dataset.ev.split(' ').includes(item.id));
          out[item.id] = [marks.map(m => m.textContent).join(''), item.querySelector('q').textContent];
        }
        return out;""")
    assert len(joined) > 10
    for evidence, (marked, quoted) in joined.items():
        assert marked == quoted, evidence
    marked_text = " ".join(marked for marked, _ in joined.values())
    assert "Leading the Cuban delegation will be the deputy foreign minister, Carlos Fernandez de Cossio" in marked_text
    # Following a span's number leads to the facts it supports.
    link = browser.find_element("css selector", ".text a.ref")
    link.click()
    target = browser.execute_script("return location.hash")
    assert browser.find_element("id", target[1:]).find_elements("css selector", "a")
    assert not console_errors(browser)


def test_the_index_is_searchable_without_a_server(browser, base_url):
    visit(browser, base_url)
    box = browser.find_element("id", "search")
    box.send_keys("cossio")
    items = browser.find_elements("css selector", "li[data-search]")
    visible = [li.text for li in items if li.is_displayed()]
    assert "Carlos Fernandez de Cossio" in visible and "Joe Biden" not in visible
    assert all("cossio" in li.get_attribute("data-search") for li in items if li.is_displayed())
    browser.save_screenshot(str(ARTIFACTS / "index-search.png"))
    assert not console_errors(browser)


def test_a_saved_query_runs_from_the_query_page(browser, base_url):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    visit(browser, base_url + "query")
    Select(browser.find_element("id", "saved")).select_by_value("cq02-cuban-delegation-head")
    assert "cq02" in browser.find_element("id", "query-text").get_attribute("value") or \
        "Cuban" in browser.find_element("id", "query-text").get_attribute("value")
    browser.find_element("css selector", "#sparql button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda b: b.find_elements("css selector", "#results table tbody tr"))
    cells = " ".join(td.text for td in browser.find_elements("css selector", "#results td"))
    assert "Carlos Fernandez de Cossio" in cells  # 003: he leads the Cuban delegation
    browser.save_screenshot(str(ARTIFACTS / "query.png"))
    assert not console_errors(browser)


@pytest.mark.parametrize("path", ["id/article/003_04d8b4ff46bc92ce", "id/person/carlos-fernandez-de-cossio",
                                  "id/event/talks-round-washington-2022-04", "queries/cq01-talks-rounds.html"])
def test_pages_fit_a_phone(browser, base_url, path):
    browser.set_window_size(390, 844)
    try:
        visit(browser, base_url + path)
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a phone"
        assert not console_errors(browser)
    finally:
        browser.set_window_size(1280, 2000)


def test_keyboard_reaches_the_content_first(browser, base_url):
    from selenium.webdriver.common.keys import Keys

    visit(browser, base_url + "id/person/joe-biden")
    browser.find_element("css selector", "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip" and focused.is_displayed()
    focused.send_keys(Keys.ENTER)
    assert browser.execute_script("return document.activeElement.id") == "main"
