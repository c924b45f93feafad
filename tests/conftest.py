"""Fixtures shared by the browser tests (see ``browser_support.py``).

``kit_server``     one ``linkages serve`` for the session (per xdist worker): a ``KitServer``
``kit_url``        its base URL
``browser``        headless system Chromium through Playwright
``recorded_page``  a fresh page plus a :class:`RequestRecorder` of every URL it requested; left
                   as a visitor leaves it (``beforeunload`` runs, so its kernel is shut down)
``kit_answers_dir``where the self-assessment served in this session saves answers

Browser tests carry ``@pytest.mark.browser`` and ``@pytest.mark.xdist_group("voila")`` so they
share one worker (``make test`` runs ``-n 2 --dist loadgroup``) and hence one server.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from browser_support import CHROMIUM, KitServer, RequestRecorder, launch_chromium, leave_page  # noqa: E402


@pytest.fixture(scope="session")
def kit_answers_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("answers")


@pytest.fixture(scope="session")
def kit_server(tmp_path_factory, kit_answers_dir):
    server = KitServer(tmp_path_factory.mktemp("serve") / "serve.log",
                       env={"LINKAGES_SELF_ASSESSMENT_DIR": str(kit_answers_dir)})
    try:
        server.wait()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kit_url(kit_server):
    return kit_server.url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def recorded_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1800}, accept_downloads=True)
    recorder = RequestRecorder(page)
    yield page, recorder
    leave_page(page)
