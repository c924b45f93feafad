"""``linkages serve`` (``make demo``): the simulators in Voilà, on this machine only.

Serves the ``simulators/`` folder with Voilà standalone and the kit template
(``templates/voila/templates/kit``: Voilà's ``lab`` template without the Font Awesome CDN
links — ``index.html.j2`` for the simulators, ``page.html`` for the folder listing and the error
pages — so a page asks nothing of any host but 127.0.0.1). ``/`` opens the gallery
(``simulators/index.ipynb``). Source cells are stripped, tracebacks never reach the page, the
gallery, the rules explorer and the two simulators (family and county) run on preheated kernels
(:data:`PREHEATED`), a page's kernel is shut down when its
visitor leaves (the page carries the ``_xsrf`` cookie Voilà's shutdown post needs), and kernels
left idle are culled.

Voilà standalone already refuses code from the browser: its kernel manager passes only comm
messages, ``kernel_info_request`` and ``shutdown_request`` (tests/test_voila_lockdown_browser.py
holds that).

A port already in use gives a sentence and a suggestion, not a traceback.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

__all__ = ["main", "voila_argv", "voila_config", "simulators_dir", "TEMPLATE_ROOT", "PREHEATED"]

HOST = "127.0.0.1"
DEFAULT_PORT = 8866
TEMPLATE = "kit"
#: A Jupyter data directory holding ``voila/templates/kit``; put on JUPYTER_PATH at serve time.
TEMPLATE_ROOT = Path(__file__).parent / "templates"
#: Notebooks that get a kernel started (and the notebook run) before anyone asks for them: the
#: pages a demo opens first, each keeping one kernel ready (about 110-190 MB while it waits).
#: A page that reads its address's query string (``self_assessment.ipynb``) starts its kernel
#: when opened: a preheated kernel runs before the address is known.
PREHEATED = ("index.ipynb", "rules_explorer.ipynb", "family_simulator.ipynb", "county_whatif.ipynb")
#: Kernels with nothing to do for this long are shut down (a forgotten tab costs nothing).
CULL_IDLE_SECONDS = 1800
CULL_INTERVAL_SECONDS = 300
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: How long Voilà waits, after a cell's reply, for the cell's output to come through. nbclient's
#: default (4 s) is too short when many pages open at once on a small machine: the output (the
#: app itself) is then dropped and the visitor gets a blank page ("Timeout waiting for IOPub
#: output" in the log; seen with ten visitors at once on 2 cores). The wait ends as soon as the
#: output has come, so a long limit costs nothing when the machine is quiet.
IOPUB_TIMEOUT_SECONDS = 120


def simulators_dir() -> Path:
    """The ``simulators/`` folder: beside the source tree (editable install) or in the cwd."""
    here = Path(__file__).resolve().parents[3] / "simulators"
    return here if here.is_dir() else Path.cwd() / "simulators"


def voila_argv(root: Path, port: int, preheat: bool = True,
               cull_idle: int = CULL_IDLE_SECONDS) -> list[str]:
    """The Voilà options ``linkages serve`` runs with (also what the tests start)."""
    argv = [
        str(root),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--theme=light",
        # The folder listing as one server-rendered page of links (Voilà's jinja tree): the
        # JupyterLab file browser it replaces loads about 100 scripts before it lists a file, and
        # under load one failed chunk left it blank (a 180 s timeout in CI, twice).
        "--VoilaConfiguration.classic_tree=True",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle)}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
    ]
    if preheat:
        argv += ["--preheat_kernel=True", "--pool_size=1"]
    return argv


def voila_config(root: Path):
    """Configuration the command line cannot carry: one preheated kernel for each page in
    :data:`PREHEATED`, none for the others (they start when opened, so a bookmarked address
    with a query string still reaches its notebook); and a patient wait for each cell's output
    (:data:`IOPUB_TIMEOUT_SECONDS`)."""
    from traitlets.config import Config

    cfg = Config()
    cfg.VoilaKernelManager.kernel_pools_config = {
        "default": {"pool_size": 0},
        **{nb: {"pool_size": 1} for nb in PREHEATED if (root / nb).exists()},
    }
    cfg.VoilaKernelManager.fill_delay = 0
    cfg.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT_SECONDS
    return cfg


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _render_handler_class():
    """Voilà's page handler, which also hands the page its ``_xsrf`` cookie.

    When a visitor leaves a page, Voilà's widget manager posts ``/voila/api/shutdown/<kernel>``
    (``navigator.sendBeacon``) with an ``_xsrf`` field read from ``document.cookie`` — but nothing
    in standalone Voilà ever sets that cookie, so the server refuses the post (``403 '_xsrf'
    argument missing from POST``, voila-dashboards/voila#1458) and every kernel a visitor leaves
    stays alive until the idle cull. Setting the cookie when the page is served lets the page's
    own shutdown post through jupyter_server's usual checks, unchanged: the Origin must be this
    server and the form's token must match the cookie. Nothing about xsrf is disabled.
    """
    import inspect

    from voila.tornado.handler import TornadoVoilaHandler

    class KitVoilaHandler(TornadoVoilaHandler):
        async def prepare(self, *args, **kwargs):
            result = super().prepare(*args, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            if not self._finished:
                self.xsrf_token  # noqa: B018 - the property sets the ``_xsrf`` cookie
            return result

    return KitVoilaHandler


def _kit_voila_class():
    """Voilà with one more route (``/`` redirects to the gallery) and pages that carry the
    ``_xsrf`` cookie their kernel-shutdown post needs (see :func:`_render_handler_class`)."""
    from jupyter_server.utils import url_path_join
    from tornado.web import RedirectHandler
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    render_handler = _render_handler_class()

    class KitVoila(Voila):
        name = "voila"  # same config files and traitlets section as plain Voilà

        def init_handlers(self):
            handlers = super().init_handlers()
            handlers = [(h[0], render_handler, *h[2:]) if len(h) > 1 and h[1] is TornadoVoilaHandler else h
                        for h in handlers]
            base = self.server_url or self.base_url or "/"
            if (Path(self.root_dir) / "index.ipynb").exists():
                target = url_path_join(base, "voila/render/index.ipynb")
                handlers.insert(0, (base, RedirectHandler, {"url": target}))
            return handlers

        def start(self):
            import tornado.ioloop

            url = f"http://{HOST}:{self.port}/"
            tornado.ioloop.IOLoop.current().add_callback(
                lambda: print(f"Linkages Kit simulators: {url}\n(press Ctrl+C to stop)", flush=True))
            super().start()

    return KitVoila


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="linkages serve",
                                description="Serve the simulators in Voilà on this machine only.")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT)),
                   help=f"port to listen on (default {DEFAULT_PORT})")
    p.add_argument("--root", type=Path, default=None, help="folder of notebooks (default simulators/)")
    p.add_argument("--no-preheat", action="store_true", help="start kernels only when a page is opened")
    p.add_argument("--cull-idle", type=int, default=CULL_IDLE_SECONDS, metavar="SECONDS",
                   help=f"shut down kernels idle this long (default {CULL_IDLE_SECONDS})")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse already printed a usage line
        return int(exc.code or 0)
    root = (args.root or simulators_dir()).resolve()
    if not root.is_dir():
        print(f"There is no simulators folder at {root}; run `linkages serve` from the kit's folder "
              "or pass --root.", file=sys.stderr)
        return 2
    if not 1 <= args.port <= 65535:
        print(f"{args.port} is not a port number; use one between 1024 and 65535.", file=sys.stderr)
        return 2
    if not port_free(args.port):
        print(f"Port {args.port} is already in use on {HOST} (another `make demo` may be running). "
              f"Stop it, or choose another port: make demo PORT={args.port + 1}", file=sys.stderr)
        return 1
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATE_ROOT)] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    # The Makefile exports MPLBACKEND=Agg for scripts; in Voilà figures need the inline backend.
    if os.environ.get("MPLBACKEND", "").lower() in ("", "agg"):
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    app_cls = _kit_voila_class()
    try:
        app_cls.launch_instance(argv=voila_argv(root, args.port, preheat=not args.no_preheat,
                                                cull_idle=args.cull_idle),
                                config=voila_config(root))
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:
        if exc.code not in (0, None):
            print(f"The simulators could not be served on port {args.port}; "
                  f"try another port: make demo PORT={args.port + 1}", file=sys.stderr)
            return int(exc.code) if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
