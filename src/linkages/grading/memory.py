"""How much memory a learner's kernel takes while it runs an assignment (for sizing a hub).

:func:`kernel_memory` runs a notebook top to bottom in a fresh kernel, as a learner would, and
reads the kernel process's resident memory after every cell: the peak (Linux ``VmHWM``) and the
final RSS. :func:`server_memory` starts a Jupyter server the way a hub's single-user server runs
and reads its resident memory once it is idle.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

__all__ = ["kernel_memory", "server_memory", "rss_mb", "quiet_stderr"]


@contextlib.contextmanager
def quiet_stderr():
    """Send this process's file descriptor 2 to /dev/null for a while: a kernel started meanwhile
    inherits it, so ipykernel's start-up warnings stay out of a learner's or trainer's terminal."""
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process, in MB (peak from /proc on Linux, else the current)."""
    import psutil

    rss = psutil.Process(pid).memory_info().rss / 2**20
    peak = rss
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return rss, peak


def kernel_memory(notebook: str | os.PathLike, solutions_from=None, timeout: int = 120) -> dict:
    """Run ``notebook`` in a fresh kernel and measure it. ``solutions_from``: a
    :class:`~linkages.grading.course.Course` whose specs fill in every answer first (a released
    notebook otherwise stops at its first ``raise NotImplementedError``... and still runs on)."""
    from nbclient import NotebookClient

    path = Path(notebook)
    nb = nbformat.read(str(path), as_version=4)
    if solutions_from is not None:
        from .synthetic import learner_notebook

        nb = learner_notebook(solutions_from, path.stem, {})
    samples = []
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})

    def after(cell, cell_index, execute_reply):  # nbclient hook
        pid = _kernel_pid(client)
        if pid:
            samples.append(rss_mb(pid))

    client.on_cell_executed = after
    t0 = time.perf_counter()
    with quiet_stderr():
        client.execute()
    seconds = time.perf_counter() - t0
    return {"notebook": path.name, "cells": len(samples), "seconds": round(seconds, 2),
            "final_rss_mb": round(samples[-1][0], 1) if samples else float("nan"),
            "peak_rss_mb": round(max(p for _, p in samples), 1) if samples else float("nan")}


def _kernel_pid(client) -> int | None:
    km = getattr(client, "km", None)
    prov = getattr(km, "provisioner", None)
    for obj in (prov, getattr(prov, "process", None)):
        pid = getattr(obj, "pid", None)
        if isinstance(pid, int):
            return pid
    return None


def server_memory(wait: float = 8.0) -> float:
    """Resident memory (MB) of an idle ``jupyter server`` (what a hub runs per user, without kernels)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
                              "--ip=127.0.0.1", "--allow-root", f"--ServerApp.root_dir={d}",
                              "--IdentityProvider.token=x"], cwd=d,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            time.sleep(wait)
            if p.poll() is not None:
                return float("nan")
            return round(rss_mb(p.pid)[0], 1)
        finally:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
