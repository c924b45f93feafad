"""``linkages serve`` (``make demo``): flags, the kit template, the gallery, a busy port."""

from __future__ import annotations

import json
from html import escape
import re
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest

from browser_support import ROOT, answers, serve_command
from linkages.ui import gallery
from linkages.ui.serve import PREHEATED, TEMPLATE_ROOT, voila_argv, voila_config

KIT = TEMPLATE_ROOT / "voila" / "templates" / "kit"


def test_voila_options():
    argv = voila_argv(ROOT / "simulators", 8866)
    for flag in ("--no-browser", "--port=8866", "--Voila.ip=127.0.0.1", "--strip_sources=True",
                 "--show_tracebacks=False", "--template=kit", "--preheat_kernel=True",
                 "--Voila.port_retries=0"):
        assert flag in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)
    assert any(a.startswith("--MappingKernelManager.cull_interval=") for a in argv)
    pools = voila_config(ROOT / "simulators").VoilaKernelManager.kernel_pools_config
    assert pools["default"]["pool_size"] == 0
    assert all(pools[nb]["pool_size"] == 1 for nb in PREHEATED)
    assert "--preheat_kernel=True" not in voila_argv(ROOT / "simulators", 8866, preheat=False)


def test_kit_template_extends_lab_and_links_nothing_outside():
    assert json.loads((KIT / "conf.json").read_text())["base_template"] == "lab"
    text = (KIT / "index.html.j2").read_text()
    assert "extends 'voila/templates/lab/index.html.j2'" in text
    assert not re.search(r"(href|src)=[\"']https?://", text)
    assert "html_head_js_mermaidjs" in text


def test_busy_port_gives_a_sentence_not_a_traceback():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        out = subprocess.run(serve_command(port), capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 1
    assert f"Port {port} is already in use" in out.stderr
    assert f"make demo PORT={port + 1}" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout


def test_help_and_bad_port():
    out = subprocess.run(serve_command(0)[:-2] + ["--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "--port" in out.stdout
    out = subprocess.run(serve_command(70000), capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "not a port number" in out.stderr and "Traceback" not in out.stderr


def test_gallery_lists_only_landed_simulators(tmp_path):
    reg = gallery.registry()
    assert {"rules_explorer.ipynb", "find_shared_families.ipynb", "self_assessment.ipynb"} <= {s.notebook for s in reg}
    (tmp_path / "rules_explorer.ipynb").write_text("{}")
    shown = gallery.available(tmp_path)
    assert [s.notebook for s in shown] == ["rules_explorer.ipynb"]
    html = gallery.gallery_html(gallery.available())
    for s in gallery.available():
        assert f'href="{s.notebook}"' in html and escape(s.title) in html
    assert all(s.purpose and s.modules for s in reg)


def test_every_simulator_is_in_the_gallery():
    listed = {s.notebook for s in gallery.registry()}
    for nb in (ROOT / "simulators").glob("*.ipynb"):
        assert nb.name == "index.ipynb" or nb.name in listed, f"add {nb.name} to linkages/ui/gallery.yaml"


@pytest.mark.xdist_group("voila")
def test_served_pages(kit_url):
    assert answers(kit_url, "/") in (301, 302)
    with urllib.request.urlopen(kit_url + "/") as r:  # follows the redirect to the gallery
        assert r.url.endswith("/voila/render/index.ipynb")
    with urllib.request.urlopen(kit_url + "/voila/render/rules_explorer.ipynb", timeout=180) as r:
        page = r.read().decode("utf-8")
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"'<>]+\.(css|js|mjs)", page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page


def test_lean_kernel_hides_pyarrow_only_before_pandas():
    """The simulators' first line keeps pyarrow (about 60 MB a kernel) out of kernels that never
    match records; it changes nothing once pandas is in, so it cannot break code using pyarrow."""
    import sys

    lean = ("from linkages.ui.lean import lean_kernel; assert lean_kernel(); import sys, pandas as pd; "
            "assert sys.modules.get('pyarrow') is None; print(pd.Series(['ana', 'bo']).str.upper().tolist())")
    out = subprocess.run([sys.executable, "-c", lean], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "['ANA', 'BO']" in out.stdout
    late = ("import pandas, sys; from linkages.ui.lean import lean_kernel; assert not lean_kernel(); "
            "import pyarrow; print('pyarrow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", late], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "True" in out.stdout, out.stderr


def test_simulators_that_match_nothing_start_lean():
    import nbformat

    for nb_path in sorted((ROOT / "simulators").glob("*.ipynb")):
        first = nbformat.read(nb_path, as_version=4).cells[0].source
        if nb_path.name == "find_shared_families.ipynb":  # Splink needs pyarrow
            assert "lean_kernel" not in first
        else:
            assert first.startswith("from linkages.ui.lean import lean_kernel\n\nlean_kernel()"), nb_path.name
