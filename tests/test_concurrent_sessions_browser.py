"""Ten visitors at once (issue 4: "10 browser sessions at once all render"): ten separate browser
contexts (own cookies, own kernel each) open a mix of every page in ``simulators/`` on the one
kit server the browser tests share; each shows its app, no error text and no request beyond this
machine; then every visitor leaves and every kernel started for them is shut down.

Slow on 2 cores (ten kernels start at once): timeouts are generous; the run time is printed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time

import pytest

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LEAVE_JS,
    ROOT,
    SHOTS,
    SHUTDOWN_PATH,
    RequestRecorder,
    problems_in,
    wait_for_kernels_gone,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

#: What shows when each page has rendered (the selectors the simulators' own browser tests wait for).
SHOWN = {
    "index.ipynb": ".lk-gallery a.lk-sim-link",
    "rules_explorer.ipynb": ".lk-summary",
    "family_simulator.ipynb": ".lk-summary p",
    "county_whatif.ipynb": ".lk-numbers tr[data-key]",
    "self_assessment.ipynb": ".lk-county select",
    "find_shared_families.ipynb": ".lk-counts .lk-found",
}
#: Ten visitors: every page at least once, the lighter and the preheated ones twice.
VISITS = ["index.ipynb", "rules_explorer.ipynb", "family_simulator.ipynb", "county_whatif.ipynb",
          "self_assessment.ipynb", "find_shared_families.ipynb",
          "index.ipynb", "rules_explorer.ipynb", "self_assessment.ipynb", "family_simulator.ipynb"]
RENDER_TIMEOUT_MS = 600_000  # ten cold kernels on a shared 2-core machine
KERNELS_GONE_S = 120


def test_every_page_is_in_the_mix():
    served = {p.name for p in (ROOT / "simulators").glob("*.ipynb")}
    assert served == set(SHOWN), f"give each page in simulators/ a selector here: {served ^ set(SHOWN)}"
    assert set(VISITS) == served and len(VISITS) == 10


async def _visit(browser, base: str, i: int, notebook: str) -> dict:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 1200})  # a visitor of its own
    rec = RequestRecorder(ctx)
    page = await ctx.new_page()
    t0 = time.perf_counter()
    out = {"i": i, "notebook": notebook, "rec": rec, "error": None, "problems": [], "seconds": None}
    try:
        await page.goto(f"{base}/voila/render/{notebook}", wait_until="commit", timeout=RENDER_TIMEOUT_MS)
        await page.wait_for_selector(SHOWN[notebook], state="visible", timeout=RENDER_TIMEOUT_MS)
        out["seconds"] = time.perf_counter() - t0
        out["problems"] = problems_in(await page.inner_text("body"))
        out["title"] = await page.title()
    except Exception as exc:  # noqa: BLE001 - reported with the others below
        out["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        try:
            SHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=str(SHOTS / f"concurrent_{i}_{notebook[:-6]}.png"), full_page=True)
            out["error"] += f"; the page showed: {(await page.inner_text('body'))[:300]!r}"
        except Exception:  # noqa: BLE001
            pass
    out["page"], out["ctx"] = page, ctx
    return out


async def _leave(v: dict) -> None:
    """The visitor leaves (beforeunload runs, Voila posts the kernel shutdown), then the tab
    closes (as ``browser_support.leave_page``, in the async API)."""
    page = v["page"]
    try:
        async with page.expect_request_finished(lambda r: SHUTDOWN_PATH in r.url, timeout=60_000) as posted:
            if not await page.evaluate(LEAVE_JS):
                raise LookupError("no kernel")
        await posted.value
    except Exception:  # noqa: BLE001 - the kernel check below says whether it went
        pass
    await v["ctx"].close()


async def _ten_visitors(base: str) -> tuple[list[dict], float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            t0 = time.perf_counter()
            visits = await asyncio.gather(*(_visit(browser, base, i, nb) for i, nb in enumerate(VISITS)))
            wall = time.perf_counter() - t0
            await asyncio.gather(*(_leave(v) for v in visits))
        finally:
            await browser.close()
    return visits, wall


def test_ten_visitors_at_once_all_render_and_their_kernels_go(kit_server):
    pytest.importorskip("playwright.async_api")
    before = kit_server.kernels()
    t0 = time.perf_counter()
    # The async API in a thread of its own: the session's sync Playwright owns this thread's loop.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        visits, wall = pool.submit(asyncio.run, _ten_visitors(kit_server.url)).result()

    report = "\n".join(f"  {v['i']}: {v['notebook']:28s} "
                       + (f"{v['seconds']:.1f} s" if v["seconds"] is not None else f"FAILED {v['error']}")
                       for v in visits)
    print(f"\nten visitors at once: all shown after {wall:.1f} s\n{report}")
    assert all(v["error"] is None for v in visits), f"not every page rendered:\n{report}"
    for v in visits:
        assert v["problems"] == [], f"{v['notebook']} (visitor {v['i']}) shows error text: {v['problems']}"
        assert v["rec"].outside() == [], f"{v['notebook']} asked other hosts for {v['rec'].outside()}"

    ids = {k for v in visits for k in v["rec"].kernels()}
    assert len(ids) == len(VISITS), f"each visitor should get a kernel of its own, saw {len(ids)}"
    left = wait_for_kernels_gone(kit_server, ids, KERNELS_GONE_S)
    assert not left, f"{len(left)} of the visitors' kernels still run {KERNELS_GONE_S} s after they left"
    # the preheated pools are refilled, nothing more: back to the kernels there were before
    assert len(kit_server.kernels()) <= len(before)
    print(f"visitors' kernels all shut down; whole test {time.perf_counter() - t0:.1f} s")
