"""The readiness self-assessment in a real headless Chromium, served by Voilà: answer, export
the work plan, reload, and find the answers again."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(os.environ.get("LINKAGES_SCREENSHOTS", "/tmp/linkages_screenshots"))
PAGE = "/voila/render/self_assessment.ipynb"

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def answers_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("answers")


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory, answers_dir):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    port = _free_port()
    env = dict(os.environ, LINKAGES_SELF_ASSESSMENT_DIR=str(answers_dir))
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    log = open(tmp_path_factory.mktemp("voila") / "voila.log", "w")
    proc = subprocess.Popen(
        [voila, str(ROOT / "simulators"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--strip_sources=True", "--show_tracebacks=False"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/voila/tree", timeout=2)
            break
        except Exception:  # noqa: BLE001
            if proc.poll() is not None:
                pytest.fail("voila exited early")
            time.sleep(0.5)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


ANSWERS = {"team_cochairs": "In place", "target_count": "Partly in place", "policy_case_plans": "Planning",
           "evaluation_measures": "Not started"}


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1280, "height": 2600}, accept_downloads=True)
    page.goto(url + PAGE, wait_until="commit")
    page.wait_for_selector(".lk-county select", timeout=180_000)
    return page


def _choose(page, county, session):
    page.select_option(".lk-county select", label=county)
    page.fill(".lk-session input", session)
    page.press(".lk-session input", "Enter")


def _active(page, item) -> str:
    loc = page.locator(f".lk-item-{item} button.mod-active")
    return loc.inner_text() if loc.count() else ""


def test_self_assessment_answers_export_and_survive_a_reload(voila_url, browser, answers_dir):
    from linkages.survey import catalogue

    texts = {i.id: i.text for i in catalogue().items}
    page = _open(browser, voila_url)
    _choose(page, "Tehama", "Workshop A")
    page.wait_for_function("() => document.querySelector('.lk-saved').innerText.includes('Workshop A')",
                           timeout=30_000)
    for item, label in ANSWERS.items():
        page.click(f".lk-item-{item} button:text-is('{label}')")
    page.wait_for_function(
        f"() => document.querySelector('.lk-saved').innerText.includes('{len(ANSWERS)} of')", timeout=30_000)
    assert "Saved on the server" in page.inner_text(".lk-saved")
    page.wait_for_selector(".lk-profile img", timeout=30_000)
    assert "SYNTHETIC" in page.get_attribute(".lk-profile img", "alt")
    assert "Synthetic" in page.inner_text(".lk-profile") or "SYNTHETIC" in page.inner_text(".lk-profile")
    steps = page.inner_text(".lk-next-steps")
    assert "Build the implementation team" in steps

    # export: both files carry the answers given
    page.click(".lk-make-plan")
    page.wait_for_selector(".lk-plan-csv", timeout=30_000)
    with page.expect_download() as dl:
        page.click(".lk-plan-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    given = {(r["readiness item"], r["answer"]) for r in rows if r["readiness item"]}
    for item, label in ANSWERS.items():
        assert (texts[item], label) in given
    assert {r["county"] for r in rows} == {"Tehama"}
    assert len({r["topic area"] for r in rows}) == 12
    with page.expect_download() as dl:
        page.click(".lk-plan-html")
    html_text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Tehama" in html_text and texts["policy_case_plans"] in html_text and "Planning" in html_text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "self_assessment.png"))

    # reload: choose the same county and session, and the answers come back
    page.reload(wait_until="commit")
    page.wait_for_selector(".lk-county select", timeout=180_000)
    assert _active(page, "team_cochairs") == ""
    _choose(page, "Tehama", "Workshop A")
    page.wait_for_function("() => document.querySelector('.lk-saved').innerText.includes('Loaded')",
                           timeout=30_000)
    for item, label in ANSWERS.items():
        assert _active(page, item) == label

    # the bookmark link opens straight on the same answers
    href = page.get_attribute(".lk-saved .lk-bookmark", "href") if page.locator(".lk-saved .lk-bookmark").count() else None
    page.goto(voila_url + PAGE + "?county=Tehama&session=Workshop%20A", wait_until="commit")
    page.wait_for_function("() => (document.querySelector('.lk-saved')||{innerText:''}).innerText.includes('Loaded')",
                           timeout=180_000)
    for item, label in ANSWERS.items():
        assert _active(page, item) == label
    assert href is None or "county=Tehama" in href
    assert "Traceback" not in page.content()
    page.close()
    assert (answers_dir / "tehama-workshop-a.json").exists()
