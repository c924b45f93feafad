"""The readiness self-assessment in a real headless Chromium, served as `make demo` serves it:
answer, export the work plan, reload, and find the answers again (fixtures from
tests/conftest.py and tests/browser_support.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser_support import SHOTS, open_simulator, page_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

NOTEBOOK = "self_assessment.ipynb"
PAGE = "/voila/render/" + NOTEBOOK


ANSWERS = {"team_cochairs": "In place", "target_count": "Partly in place", "policy_case_plans": "Planning",
           "evaluation_measures": "Not started"}


def _open(page, url):
    page.set_viewport_size({"width": 1280, "height": 2600})
    open_simulator(page, url, NOTEBOOK, ".lk-county select")
    return page


def _choose(page, county, session):
    page.select_option(".lk-county select", label=county)
    page.fill(".lk-session input", session)
    page.press(".lk-session input", "Enter")


def _active(page, item) -> str:
    loc = page.locator(f".lk-item-{item} button.mod-active")
    return loc.inner_text() if loc.count() else ""


def test_self_assessment_answers_export_and_survive_a_reload(kit_url, recorded_page, kit_answers_dir):
    from linkages.survey import catalogue

    texts = {i.id: i.text for i in catalogue().items}
    page, requests = recorded_page
    _open(page, kit_url)
    # the County box is never blank: before a choice it reads "Choose a county…"
    shown = page.locator(".lk-county select").evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
    assert shown == "Choose a county…" or "Restored the answers" in page.inner_text(".lk-saved")
    assert page.get_by_label("County", exact=True).count() == 1
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
    assert len({r["topic area"] for r in rows}) == 12 and len(rows) == len(texts)  # one row per item
    with page.expect_download() as dl:
        page.click(".lk-plan-html")
    html_text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "Tehama" in html_text and texts["policy_case_plans"] in html_text and "Planning" in html_text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.click(".lk-plan summary")
    page.locator(".lk-plan-links").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "self_assessment_plan.png"))
    page.locator(".lk-county").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "self_assessment.png"))
    # the county's own synthetic survey answers, beside the same peers
    page.click(".lk-compare button:has-text('synthetic survey answers')")
    page.wait_for_function("() => document.querySelector('.lk-profile img').alt.includes('synthetic survey answer')",
                           timeout=30_000)

    # a plain reload: the page opens on the answers saved last on this machine, and says so
    page.reload(wait_until="commit")
    page.wait_for_function(
        "() => (document.querySelector('.lk-saved')||{innerText:''}).innerText.includes('Restored the answers')",
        timeout=180_000)
    restored = page.inner_text(".lk-saved")
    assert "Restored the answers for Tehama, session “Workshop A”, saved at" in restored
    for item, label in ANSWERS.items():
        assert _active(page, item) == label
    assert "county=Tehama" in page.get_attribute(".lk-saved .lk-bookmark", "href")

    # assistive technology: each answer button is named with its item and says which is chosen
    names = _button_names(page)
    chosen = [n for n in names if n.startswith(texts["team_cochairs"] + ", chosen: ")]
    assert chosen == [texts["team_cochairs"] + ", chosen: In place"], chosen
    assert texts["team_cochairs"] + ": Planning" in names
    assert "Compare with peers, chosen: Your answers" in names
    assert page.locator(".lk-item-team_cochairs button").first.get_attribute("title").startswith(texts["team_cochairs"])

    # the bookmark link opens straight on the same answers
    page.goto(kit_url + PAGE + "?county=Tehama&session=Workshop%20A", wait_until="commit")
    page.wait_for_function("() => (document.querySelector('.lk-saved')||{innerText:''}).innerText.includes('Loaded')",
                           timeout=180_000)
    for item, label in ANSWERS.items():
        assert _active(page, item) == label
    assert "county=Tehama" in page.get_attribute(".lk-saved .lk-bookmark", "href")  # offered after a load too

    # clearing asks first, and the cleared answers can be restored
    page.click(".lk-clear")
    page.wait_for_selector(".lk-confirm-text [role=alert]", timeout=30_000)
    assert "Clear all 4 answers for Tehama / Workshop A?" in page.inner_text(".lk-confirm")
    assert _active(page, "team_cochairs") == "In place"
    page.click(".lk-clear-yes")
    page.wait_for_function("() => document.querySelector('.lk-saved').innerText.includes('Cleared 4 answers')",
                           timeout=30_000)
    assert _active(page, "team_cochairs") == ""
    page.click(".lk-restore")
    page.wait_for_function("() => document.querySelector('.lk-saved').innerText.includes('Restored the cleared')",
                           timeout=30_000)
    for item, label in ANSWERS.items():
        assert _active(page, item) == label
    assert page_problems(page) == []
    assert requests.outside() == []
    assert (kit_answers_dir / "tehama-workshop-a.json").exists()


def _button_names(page) -> list[str]:
    """The names Chromium gives the page's buttons (its accessibility tree, through CDP)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [n.get("name", {}).get("value", "") for n in nodes if n.get("role", {}).get("value") == "button"]
