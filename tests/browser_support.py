"""What every simulator's browser test needs: the kit's server, a headless Chromium, and a record
of every request a page made.

Fixtures in ``tests/conftest.py`` wrap these (``kit_server``, ``kit_url``, ``browser``,
``recorded_page``); a new simulator's test just asks for them::

    pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

    def test_my_simulator(kit_url, recorded_page):
        page, requests = recorded_page
        open_simulator(page, kit_url, "my_simulator.ipynb", ".lk-my-app")
        ...
        assert requests.outside() == []

A page is left with :func:`leave_page` (``recorded_page`` does it), so that Voilà shuts its
kernel down as it does when a visitor leaves; ``KitServer.kernels()`` lists the kernels running.

The server is started exactly as ``make demo`` starts it (``linkages serve --port N``, with the
Makefile's ``MPLBACKEND=Agg`` in the environment), on a free port, in its own process group so
that it and its kernels are stopped together.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("LINKAGES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: How long a first page may take to show its app (a cold kernel on a busy 2-core machine).
FIRST_RENDER_TIMEOUT_MS = PAGE_TIMEOUT_MS = 180_000
#: Where browser tests leave their screenshots.
SHOTS = Path(os.environ.get("LINKAGES_SCREENSHOTS", "/tmp/linkages_screenshots"))
SERVER_START_TIMEOUT_S = 120

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "PAGE_TIMEOUT_MS",
    "ROOT",
    "SHOTS",
    "KitServer",
    "RequestRecorder",
    "chromium_missing",
    "free_port",
    "launch_chromium",
    "linkages_command",
    "open_simulator",
    "page_problems",
    "problems_in",
    "serve_command",
    "answers",
    "kernel_ids",
    "leave_page",
    "LEAVE_JS",
    "SHUTDOWN_PATH",
    "server_kernels",
    "wait_for_kernels_gone",
]


def chromium_missing() -> str | None:
    """A sentence when no Chromium is installed (tests skip with it), else ``None``."""
    if Path(CHROMIUM).exists():
        return None
    return (f"Chromium is not installed at {CHROMIUM}; install it with `apt-get install -y chromium` "
            "(.ci/run does this on a fresh machine).")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def linkages_command() -> list[str]:
    """The ``linkages`` console script of this interpreter's environment (what the Makefile runs
    as ``$(BIN)/linkages``), or ``python -m linkages.cli`` when it is not installed as a script."""
    script = shutil.which("linkages", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "linkages.cli"]


def serve_command(port: int) -> list[str]:
    """``linkages serve --port PORT``: the command ``make demo`` runs."""
    return linkages_command() + ["serve", "--port", str(port)]


def answers(base: str, path: str = "/", timeout: float = 2.0) -> int | None:
    """The HTTP status of one GET, redirects not followed (``None`` if nothing answers)."""
    import http.client

    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


@dataclass
class KitServer:
    """``linkages serve --port N`` in a subprocess; ``wait()`` starts it and returns the base URL
    once it answers (``start()`` returns the server itself)."""

    log_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None
    started_in: float = 0.0

    def __post_init__(self):
        if self.log_path is not None:
            self.log_path = Path(self.log_path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return linkages_command() + ["serve", "--port", str(self.port), *self.extra_args]

    def start(self, timeout: float = SERVER_START_TIMEOUT_S) -> "KitServer":
        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env.setdefault("MPLBACKEND", "Agg")  # the Makefile exports it; serve must cope
        env.update(self.env)
        self.log_path = self.log_path or Path(os.environ.get("TMPDIR", "/tmp")) / f"linkages-serve-{self.port}.log"
        log = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, cwd=ROOT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"`linkages serve` stopped (exit {self.proc.returncode}) before answering:\n"
                                   + self.log())
            if "Linkages Kit simulators: " in self.log() and self._answers():
                self.started_in = time.perf_counter() - t0
                return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"`linkages serve` did not answer on port {self.port} within {timeout:.0f} s:\n"
                           + self.log())

    def wait(self, timeout: float = SERVER_START_TIMEOUT_S) -> str:
        """Start (if not yet started), wait until it answers, return the base URL."""
        if self.proc is None:
            self.start(timeout)
        return self.url

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/voila/tree", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def kernels(self) -> dict[str, int]:
        """The server's running kernels: kernel id -> process id (see :func:`kernel_ids`)."""
        return server_kernels(self.proc.pid) if self.proc is not None else {}

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path else ""
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM (Voilà then shuts its kernels down), then the process group if anything lingers."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # Kernels are in the server's own process group (start_new_session): none may outlive it.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return self.proc.returncode

    def __enter__(self) -> "KitServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


_KERNEL_FILE = re.compile(r"kernel-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json")
_KERNEL_URL = re.compile(r"/api/kernels/([0-9a-f-]{36})/channels")


def server_kernels(server_pid: int) -> dict[str, int]:
    """Kernel id -> process id of every kernel process under ``server_pid`` (a kernel's command
    line names its connection file, ``kernel-<id>.json``), as benchmarks/bench_simulators.py
    counts them."""
    import psutil

    out: dict[str, int] = {}
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.Error:
        return out
    for proc in children:
        try:
            m = _KERNEL_FILE.search(" ".join(proc.cmdline()))
        except psutil.Error:
            continue
        if m:
            out[m.group(1)] = proc.pid
    return out


def kernel_ids(urls) -> list[str]:
    """The kernel ids in a page's WebSocket URLs (``/api/kernels/<id>/channels``), in order."""
    seen: list[str] = []
    for u in urls:
        m = _KERNEL_URL.search(u)
        if m and m.group(1) not in seen:
            seen.append(m.group(1))
    return seen


def wait_for_kernels_gone(server: "KitServer", ids, timeout: float = 60.0) -> set[str]:
    """Wait until none of the kernels ``ids`` runs under ``server``; returns those still running."""
    ids = set(ids)
    deadline = time.monotonic() + timeout
    while True:
        left = ids & set(server.kernels())
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.25)


#: Run in a page: what the browser does to it when the visitor leaves (the ``beforeunload`` event,
#: on which Voilà's page posts ``/voila/api/shutdown/<kernel>``); true if the page has a kernel.
LEAVE_JS = """() => {
  const cfg = document.getElementById('jupyter-config-data');
  const kernel = !!cfg && /"kernelId":\\s*"[0-9a-f-]{36}"/.test(cfg.textContent);
  window.dispatchEvent(new Event('beforeunload'));
  return kernel;
}"""
SHUTDOWN_PATH = "/voila/api/shutdown/"


def leave_page(page, timeout_ms: int = 30_000) -> None:
    """Leave a page as a visitor does, then close it: the page's ``beforeunload`` runs, Voilà's
    page posts the shutdown of its kernel, and once that post has gone the page is closed.

    (Playwright's ``page.close()`` and ``context.close()`` skip ``beforeunload``, and
    ``page.close(run_before_unload=True)`` loses the post when the page owns its context, as
    ``browser.new_page()`` pages do. Navigating away first works, but closing a page as a
    navigation commits can hang Chromium's close for good (microsoft/playwright#41900), so the
    event is dispatched in the page instead, and nothing navigates.)"""
    try:
        if not page.is_closed():
            with page.expect_request_finished(lambda r: SHUTDOWN_PATH in r.url, timeout=timeout_ms) as posted:
                if not page.evaluate(LEAVE_JS):
                    raise LookupError("no kernel")  # nothing to shut down: no post to wait for
            posted.value  # noqa: B018 - waits for the post
    except Exception:  # noqa: BLE001 - a page already gone, or without a kernel, needs no leaving
        pass
    try:
        page.close()
    except Exception:  # noqa: BLE001
        pass


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "javascript", ""):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class RequestRecorder:
    """Every request a page (or a whole browser context) made, and every WebSocket it opened."""

    def __init__(self, target=None):
        self.urls: list[str] = []
        self.failed: list[str] = []
        if target is not None:
            self.attach(target)

    def attach(self, target) -> "RequestRecorder":
        """``target``: a Playwright ``Page`` or ``BrowserContext``."""
        target.on("request", lambda req: self.urls.append(req.url))
        target.on("requestfailed", lambda req: self.failed.append(req.url))
        if hasattr(target, "pages"):  # a context: watch its pages' WebSockets too
            target.on("page", self._watch_page)
            for page in target.pages:
                self._watch_page(page)
        else:
            self._watch_page(target)
        return self

    def _watch_page(self, page) -> None:
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def outside(self) -> list[str]:
        """Requests to any host but this machine (the kit must make none)."""
        return sorted({u for u in self.urls if not _is_local(u)})

    def kernels(self) -> list[str]:
        """The ids of the kernels the page's WebSockets talk to."""
        return kernel_ids(self.urls)

    def hosts(self) -> set[str]:
        return {urlsplit(u).hostname or urlsplit(u).scheme for u in self.urls}


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def open_simulator(page, base_url: str, notebook: str, selector: str, timeout_ms: int = FIRST_RENDER_TIMEOUT_MS) -> float:
    """Open ``/voila/render/<notebook>`` and wait for ``selector`` (never for the ``load`` event,
    which an outside request can hold back); returns the seconds until it showed."""
    t0 = time.perf_counter()
    page.goto(f"{base_url}/voila/render/{notebook}", wait_until="commit")
    page.wait_for_selector(selector, state="visible", timeout=timeout_ms)
    return time.perf_counter() - t0


_PROBLEM = re.compile(r"Traceback|Error:|\w+Error\b|Exception\b")


def problems_in(text: str) -> list[str]:
    """Python error text in ``text`` (a traceback, ``ValueError``, ``Error:``...)."""
    return sorted(set(_PROBLEM.findall(text)))


def page_problems(page) -> list[str]:
    """Python error text visible on the page (a traceback, ``ValueError``, ``Error:``...)."""
    return problems_in(page.inner_text("body"))
