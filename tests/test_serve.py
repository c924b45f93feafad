"""``linkages serve`` (``make demo``): flags, the kit template, the gallery, a busy port."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import urllib.error
import urllib.request
from html import escape
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
import yaml

from browser_support import ROOT, answers, serve_command, wait_for_kernels_gone
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
    # a page's output is not dropped on a busy machine (nbclient's default wait is 4 s)
    assert voila_config(ROOT / "simulators").VoilaExecutor.iopub_timeout >= 60


def test_kit_template_extends_lab_and_links_nothing_outside():
    assert json.loads((KIT / "conf.json").read_text())["base_template"] == "lab"
    text = (KIT / "index.html.j2").read_text()
    assert "extends 'voila/templates/lab/index.html.j2'" in text
    assert "html_head_js_mermaidjs" in text
    # page.html frames the folder listing and the error pages (Voila's own links a CDN)
    frame = (KIT / "page.html").read_text()
    for block in ("title", "stylesheets", "meta", "body", "scripts"):
        assert f"{{% block {block} %}}" in frame
    for f in KIT.iterdir():
        assert not re.search(r"(href|src)=[\"']https?://", f.read_text()), f.name


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


def _readme_simulators() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    demo = text[text.index("## The demo"):]
    demo = demo[:demo.index("\n## ", 5)]
    return [m.group(1).strip() for m in re.finditer(r"^\| ([^|]+?) \|", demo, re.M)
            if m.group(1).strip() not in ("simulator",) and not m.group(1).startswith("---")]


def test_gallery_titles_are_the_readme_titles():
    readme = _readme_simulators()
    assert len(readme) >= 5, readme
    assert sorted(s.title for s in gallery.available()) == sorted(readme)


def test_gallery_names_each_module_by_its_title_and_where_it_opens():
    known = gallery.modules()
    assert known[1].title == "CalWORKs in brief" and known[1].notebook == "notebooks/01_calworks_in_brief.ipynb"
    for s in gallery.registry():
        for n in s.modules:
            assert n in known, f"{s.notebook}: module {n} is not in curriculum/module_map.yaml"
            assert (ROOT / known[n].notebook).exists(), known[n].notebook
    # each module's simulator (module map) lists that module in the gallery
    listed = {s.notebook: set(s.modules) for s in gallery.registry()}
    for m in yaml.safe_load((ROOT / "curriculum" / "module_map.yaml").read_text())["modules"]:
        if m.get("simulator"):
            assert m["number"] in listed[m["simulator"]], (m["number"], m["simulator"])
    html = gallery.gallery_html(gallery.available())
    item = html[html.index('href="rules_explorer.ipynb"'):]
    item = item[:item.index("</li>")]
    for n in (0, 1, 2):
        assert escape(f"Module {n} · {known[n].title}") in item
        assert f'title="{known[n].notebook}"' in item
    assert "open in JupyterLab (make lab)" in item
    # Voila serves only simulators/: no link into notebooks/ (it could not open)
    assert not re.search(r'href="[^"]*notebooks/', html)
    # without the curriculum folder the numbers still show
    bare = gallery.gallery_html(gallery.available(), known={})
    assert "Used in Module 0; Module 1; Module 2 — " in re.sub(r"<[^>]+>", "", bare)


def test_every_simulator_is_in_the_gallery():
    listed = {s.notebook for s in gallery.registry()}
    for nb in (ROOT / "simulators").glob("*.ipynb"):
        assert nb.name == "index.ipynb" or nb.name in listed, f"add {nb.name} to linkages/ui/gallery.yaml"


OUTSIDE_ASSET = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[^\s\"'<>]+\.(css|js|mjs)")


@pytest.mark.xdist_group("voila")
def test_served_pages(kit_url):
    assert answers(kit_url, "/") in (301, 302)
    with urllib.request.urlopen(kit_url + "/") as r:  # follows the redirect to the gallery
        assert r.url.endswith("/voila/render/index.ipynb")
    with urllib.request.urlopen(kit_url + "/voila/render/rules_explorer.ipynb", timeout=180) as r:
        page = r.read().decode("utf-8")
    assert not OUTSIDE_ASSET.search(page)
    assert "cdn.jsdelivr" not in page and "cdnjs" not in page
    with urllib.request.urlopen(kit_url + "/voila/tree", timeout=60) as r:  # the folder listing
        tree = r.read().decode("utf-8")
    # One server-rendered page of links: every simulator listed, no script needed to list them.
    assert "treepage.js" not in tree
    for nb in sorted((ROOT / "simulators").glob("*.ipynb")):
        assert f'href="/voila/render/{nb.name}?' in tree and f"{nb.name}</a>" in tree, nb.name
    assert not OUTSIDE_ASSET.search(tree) and "cdn.jsdelivr" not in tree
    with pytest.raises(urllib.error.HTTPError) as err:  # an error page
        urllib.request.urlopen(kit_url + "/voila/render/no_such_page.ipynb", timeout=60)
    missing = err.value.read().decode("utf-8")
    assert err.value.code == 404 and "<html" in missing
    assert not OUTSIDE_ASSET.search(missing) and "cdn.jsdelivr" not in missing


def _post_shutdown(base: str, kernel_id: str, *, token: str | None, cookie: str | None, origin: str | None) -> int:
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    try:
        conn.request("POST", f"/voila/api/shutdown/{kernel_id}", body=urlencode({"_xsrf": token} if token else {}),
                     headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.xdist_group("voila")
def test_a_page_can_shut_its_own_kernel_down_and_nothing_else_can(kit_server):
    """The page gets an ``_xsrf`` cookie, so Voila's leave-the-page post works (voila#1458);
    xsrf is not switched off: no token, or another origin, is still refused."""
    base = kit_server.url
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=180)
    conn.request("GET", "/voila/render/rules_explorer.ipynb")
    resp = conn.getresponse()
    page = resp.read().decode("utf-8")
    cookies = SimpleCookie()
    for header in resp.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    conn.close()
    assert "_xsrf" in cookies, "the page must carry the _xsrf cookie its shutdown post sends back"
    kid = re.search(r'"kernelId": *"([0-9a-f-]{36})"', page).group(1)
    assert kid in kit_server.kernels()
    token = cookies["_xsrf"].value
    cookie = "; ".join(f"{k}={m.value}" for k, m in cookies.items())
    here = f"http://127.0.0.1:{u.port}"

    assert _post_shutdown(base, kid, token=None, cookie=cookie, origin=here) == 403      # no token
    assert _post_shutdown(base, kid, token="2|00|11|22", cookie=cookie, origin=here) == 403  # wrong token
    assert _post_shutdown(base, kid, token=token, cookie=cookie, origin="http://elsewhere.example") == 404
    assert _post_shutdown(base, kid, token=token, cookie=None, origin=here) == 403      # no cookie
    assert kid in kit_server.kernels(), "a refused post must not stop the kernel"

    assert _post_shutdown(base, kid, token=token, cookie=cookie, origin=here) == 204    # what the page sends
    assert not wait_for_kernels_gone(kit_server, [kid], 60)


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
