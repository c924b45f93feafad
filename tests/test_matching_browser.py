"""'Find our shared families' in a real headless Chromium, served as `make demo` serves it
(fixtures from tests/conftest.py and tests/browser_support.py)."""

from __future__ import annotations

import re

import pytest
from browser_support import SHOTS, open_simulator, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

NOTEBOOK = "find_shared_families.ipynb"


def _csv_upload(page, content: bytes, name: str):
    """ipywidgets 8 makes its file input on click: answer the file chooser it opens."""
    with page.expect_file_chooser() as fc:
        page.click(".lk-upload")
    fc.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def test_find_shared_families_clicks_through(kit_url, recorded_page):
    page, requests = recorded_page
    page.set_viewport_size({"width": 1280, "height": 2300})  # tall: Voilà scrolls inside a panel
    open_simulator(page, kit_url, NOTEBOOK, ".lk-counts .lk-found")
    SHOTS.mkdir(parents=True, exist_ok=True)

    # the confidentiality rules sit beside the data, with their sources
    rules = page.inner_text(".lk-confidentiality")
    assert "10850" in rules and "827" in rules
    assert page.locator(".lk-confidentiality a[href^='http']").count() >= 4
    alt = page.get_attribute(".lk-figure-box img", "alt")
    assert alt and "precision" in alt.lower()
    before = page.inner_text(".lk-counts")
    assert "Shared families found" in before and "Clerical-review queue" in before
    page.screenshot(path=str(SHOTS / "find_shared_families.png"))

    # move the accept threshold to its strictest setting (keyboard on the slider handle)
    page.locator(".lk-accept .noUi-handle").first.focus()
    page.keyboard.press("End")
    page.wait_for_function(
        "b => document.querySelector('.lk-counts').innerText !== b", arg=before, timeout=30_000)
    after = page.inner_text(".lk-counts")
    assert "99.99%" in after
    q_before = int(re.sub(r"\D", "", before.split("Clerical-review queue:")[1].split("pairs")[0]))
    q_after = int(re.sub(r"\D", "", page.inner_text(".lk-counts .lk-queue-size")))
    assert q_after >= q_before  # a stricter line sends more pairs to a person
    page.screenshot(path=str(SHOTS / "find_shared_families_strict.png"))

    # bad uploads: a sentence listing the problems, and nothing on screen changes
    _csv_upload(page, b"id,name\n1,Ana\n", "bad_extract.csv")
    page.wait_for_selector(".lk-upload-msg .lk-problem", timeout=30_000)
    msg = page.inner_text(".lk-upload-msg")
    assert "Missing columns" in msg and "record_id" in msg
    assert page.inner_text(".lk-counts") == after
    _csv_upload(page, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "picture.csv")
    page.wait_for_function(
        "() => document.querySelector('.lk-upload-msg').innerText.includes('could not be read')", timeout=30_000)
    _csv_upload(page, b"record_id,case_id,first_name,last_name,sex,birth_date,ssn\n"
                      b"R1,C1,Ana,Diaz,F,1990-02-30,123-45-6789\n", "real_ssn.csv")
    page.wait_for_function(
        "() => document.querySelector('.lk-upload-msg').innerText.includes('10850')", timeout=30_000)
    assert page.inner_text(".lk-counts") == after
    page.screenshot(path=str(SHOTS / "find_shared_families_bad_upload.png"))
    assert page_problems(page) == []
    assert requests.outside() == []
