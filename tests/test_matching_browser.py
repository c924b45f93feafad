"""'Find our shared families' in a real headless Chromium, served as `make demo` serves it
(fixtures from tests/conftest.py and tests/browser_support.py)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from browser_support import SHOTS, open_simulator, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

NOTEBOOK = "find_shared_families.ipynb"


def _csv_upload(page, side: str, content: bytes, name: str):
    """ipywidgets 8 makes its file input on click: answer the file chooser it opens."""
    with page.expect_file_chooser() as fc:
        page.click(f".lk-upload-{side}")
    fc.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": content}])


def _shows(page, *texts: str, timeout: int = 60_000):
    """Wait until the counts say all of ``texts`` (they name the extracts and the thresholds)."""
    page.wait_for_function("ts => ts.every(t => document.querySelector('.lk-counts').innerText.includes(t))",
                           arg=list(texts), timeout=timeout)


def test_find_shared_families_clicks_through(kit_url, recorded_page):
    page, requests = recorded_page
    page.set_viewport_size({"width": 1280, "height": 2600})  # tall: Voilà scrolls inside a panel
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

    # every control has a name a screen reader reads, and a readable value
    for name, value in (("Extracts", "Default extracts"), ("Accept from", "95%"), ("Review from", "30%")):
        box = page.get_by_label(name, exact=True)
        assert box.count() == 1, name
        assert box.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ") == value
    for side, label in (("welfare", "welfare"), ("cws", "CWS")):
        text = page.inner_text(f".lk-upload-{side}")
        assert text.startswith(f"Upload a {label} extract (CSV)") and "files in use: (0)" in text
    assert page.get_by_role("button", name="Back to the synthetic extracts").count() == 1

    # the strictest accept threshold: a stricter line sends more pairs to a person
    page.get_by_label("Accept from", exact=True).select_option(label="99.99%")
    _shows(page, "Default extracts, accepting from 99.99%:", "between 30% and 99.99%")
    after = page.inner_text(".lk-counts")
    q_before = int(re.sub(r"\D", "", before.split("Clerical-review queue:")[1].split("pairs")[0]))
    q_after = int(re.sub(r"\D", "", page.inner_text(".lk-counts .lk-queue-size")))
    assert q_after >= q_before
    page.screenshot(path=str(SHOTS / "find_shared_families_strict.png"))

    # "Review from" above "Accept from" is said beside the control
    page.get_by_label("Accept from", exact=True).select_option(label="90%")
    page.get_by_label("Review from", exact=True).select_option(label="99%")
    page.wait_for_selector(".lk-msg-review-from [role=alert]", timeout=60_000)
    assert "above Accept from (90%)" in page.inner_text(".lk-msg-review-from")
    _shows(page, "accepting from 90%:", "0 pairs between 90% and 90%")
    page.get_by_label("Review from", exact=True).select_option(label="5%")
    _shows(page, "Default extracts, accepting from 90%:", "between 5% and 90%")
    assert page.inner_text(".lk-msg-review-from").strip() == ""

    # the messier extracts: the threshold now visibly moves recall
    page.get_by_label("Extracts", exact=True).select_option(index=1)
    _shows(page, "Messier extracts, accepting from 90%:", timeout=180_000)
    recall_90 = float(page.inner_text(".lk-counts .lk-recall").rstrip("%"))
    page.get_by_label("Accept from", exact=True).select_option(label="99.99%")
    _shows(page, "Messier extracts, accepting from 99.99%:")
    recall_strict = float(page.inner_text(".lk-counts .lk-recall").rstrip("%"))
    assert recall_90 - recall_strict >= 5, (recall_90, recall_strict)
    page.screenshot(path=str(SHOTS / "find_shared_families_messy.png"))

    # download what is on screen: the review queue (SSNs masked) and the one-page summary
    n_queue = int(re.sub(r"\D", "", page.inner_text(".lk-counts .lk-queue-size")))
    with page.expect_download() as dl:
        page.click(".lk-dl-csv-review_queue")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == n_queue > 0
    assert all(r["CWS SSN"] == "" or r["CWS SSN"].startswith("***-**-") for r in rows)
    first = page.locator(".lk-queue table tbody tr").first.locator("td")
    assert [first.nth(i).inner_text() for i in range(3)] == [rows[0]["score"], rows[0]["welfare first"],
                                                            rows[0]["welfare last"]]
    with page.expect_download() as dl:
        page.click(".lk-dl-html")
    summary = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Accept from 99.99%" in summary and "messier extracts" in summary
    assert page.locator(".lk-dl-png").count() == 1 and page.locator(".lk-dl-csv-thresholds").count() == 1

    # bad uploads: a sentence listing the problems, and nothing on screen changes
    after = page.inner_text(".lk-counts")
    _csv_upload(page, "cws", b"id,name\n1,Ana\n", "bad_extract.csv")
    page.wait_for_selector(".lk-upload-msg .lk-problem", timeout=30_000)
    msg = page.inner_text(".lk-upload-msg")
    assert "Missing columns" in msg and "record_id" in msg
    assert page.inner_text(".lk-counts") == after
    _csv_upload(page, "welfare", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "picture.csv")
    page.wait_for_function(
        "() => document.querySelector('.lk-upload-msg').innerText.includes('could not be read')", timeout=30_000)
    _csv_upload(page, "cws", b"record_id,case_id,first_name,last_name,sex,birth_date,ssn\n"
                             b"R1,C1,Ana,Diaz,F,1990-02-30,123-45-6789\n", "real_ssn.csv")
    page.wait_for_function(
        "() => document.querySelector('.lk-upload-msg').innerText.includes('10850')", timeout=30_000)
    assert page.inner_text(".lk-counts") == after
    page.wait_for_function(  # the refused file is not counted as in use
        "() => document.querySelector('.lk-upload-cws').innerText.includes('files in use: (0)')", timeout=30_000)
    page.screenshot(path=str(SHOTS / "find_shared_families_bad_upload.png"))
    assert page_problems(page) == []
    assert requests.outside() == []
