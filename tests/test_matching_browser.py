"""'Find our shared families' in a real headless Chromium, served by Voilà."""

from __future__ import annotations

import os
import re
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

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    port = _free_port()
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               LINKAGES_SELF_ASSESSMENT_DIR=str(tmp_path_factory.mktemp("answers")))
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


def _csv_upload(page, content: bytes, name: str):
    """ipywidgets 8 makes its file input on click: answer the file chooser it opens."""
    with page.expect_file_chooser() as fc:
        page.click(".lk-upload")
    fc.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def test_find_shared_families_clicks_through(voila_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 2300})  # tall: Voilà scrolls inside a panel
    page.goto(voila_url + "/voila/render/find_shared_families.ipynb", wait_until="commit")
    page.wait_for_selector(".lk-counts .lk-found", timeout=180_000)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # confidentiality rules where the data is used, with sources
    rules = page.inner_text(".lk-confidentiality")
    assert "10850" in rules and "827" in rules
    assert page.locator(".lk-confidentiality a[href^='http']").count() >= 4
    alt = page.get_attribute(".lk-figure-box img", "alt")
    assert alt and "precision" in alt.lower()
    before = page.inner_text(".lk-counts")
    page.screenshot(path=str(SHOTS / "find_shared_families.png"), full_page=True)

    # move the accept threshold to its strictest setting (keyboard on the slider handle)
    page.locator(".lk-accept .noUi-handle").first.focus()
    page.keyboard.press("End")
    page.wait_for_function(
        "b => document.querySelector('.lk-counts').innerText !== b", arg=before, timeout=30_000)
    after = page.inner_text(".lk-counts")
    assert "99.99%" in after
    q_strict = int(re.sub(r"\D", "", page.inner_text(".lk-counts .lk-queue-size")))
    assert q_strict >= 1  # a stricter line sends more pairs to a person
    page.screenshot(path=str(SHOTS / "find_shared_families_strict.png"), full_page=True)

    # a bad upload: a sentence listing the problems, nothing on screen changes
    _csv_upload(page, b"id,name\n1,Ana\n", "bad_extract.csv")
    page.wait_for_selector(".lk-upload-msg .lk-problem", timeout=30_000)
    msg = page.inner_text(".lk-upload-msg")
    assert "Missing columns" in msg and "record_id" in msg
    assert page.inner_text(".lk-counts") == after
    _csv_upload(page, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "picture.csv")
    page.wait_for_function(
        "() => document.querySelector('.lk-upload-msg').innerText.includes('could not be read')", timeout=30_000)
    assert page.inner_text(".lk-counts") == after
    page.screenshot(path=str(SHOTS / "find_shared_families_bad_upload.png"), full_page=True)
    assert "Traceback" not in page.content()
    page.close()
