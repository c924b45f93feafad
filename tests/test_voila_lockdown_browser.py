"""What a browser can and cannot do to the server ``make demo`` runs (``linkages serve``), tried
from inside a served page in headless Chromium:

* leaving a page shuts its kernel down (Voilà's ``beforeunload`` post reaches the server);
* the folder listing and the error pages ask nothing of any host but this machine;
* the page's kernel WebSocket carries widget messages but runs no code: a second socket opened
  on the page's own kernel gets ``kernel_info_reply``, and nothing back for ``execute_request``,
  ``complete_request``, ``inspect_request`` or ``history_request`` — on the shell or the control
  channel, in the plain JSON protocol or ``v1.kernel.websocket.jupyter.org`` — and the code
  never runs.
"""

from __future__ import annotations

import pytest

from browser_support import (
    PAGE_TIMEOUT_MS,
    RequestRecorder,
    leave_page,
    open_simulator,
    page_problems,
    wait_for_kernels_gone,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("voila")]

#: A stable sign that each simulator used here has rendered (from the simulators' browser tests).
SHOWN = {
    "rules_explorer.ipynb": ".lk-summary",
    "family_simulator.ipynb": ".lk-summary p",
    "self_assessment.ipynb": ".lk-county select",
}
KERNEL_GONE_S = 60


def _open(browser, kit_url: str, notebook: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    rec = RequestRecorder(page)
    open_simulator(page, kit_url, notebook, SHOWN[notebook])
    kernels = rec.kernels()
    assert len(kernels) == 1, f"{notebook}: expected one kernel WebSocket, saw {rec.urls}"
    return page, rec, kernels[0]


# --- leaving a page -------------------------------------------------------------------------------

def test_leaving_a_page_shuts_its_kernel_down(kit_server, browser):
    """Navigate away from a simulator: the kernel started for it stops (it used to stay until the
    30-minute idle cull: ``403 '_xsrf' argument missing from POST``, voila#1458)."""
    before = kit_server.kernels()
    page, rec, kid = _open(browser, kit_server.url, "self_assessment.ipynb")
    try:
        assert kid in kit_server.kernels() and kid not in before
        page.goto(kit_server.url + "/voila/tree", wait_until="commit")  # the visitor goes elsewhere
        left = wait_for_kernels_gone(kit_server, [kid], KERNEL_GONE_S)
        log = kit_server.log()
        assert not left, (f"kernel {kid} still runs {KERNEL_GONE_S} s after its page was left; "
                          f"server log tail:\n{log[-3000:]}")
        assert f"Kernel shutdown: {kid}" in log
        assert f"403 POST /voila/api/shutdown/{kid}" not in log  # (other tests post refused shutdowns on purpose)
        assert len(kit_server.kernels()) <= len(before)
    finally:
        leave_page(page)


# --- pages other than the simulators --------------------------------------------------------------

def test_folder_listing_and_error_pages_ask_nothing_outside(kit_url, recorded_page):
    page, rec = recorded_page
    page.goto(kit_url + "/voila/tree", wait_until="commit")
    page.wait_for_selector("text=rules_explorer.ipynb", timeout=PAGE_TIMEOUT_MS)
    for path in ("/voila/tree/no_such_folder", "/voila/render/no_such_simulator.ipynb"):
        resp = page.goto(kit_url + path, wait_until="commit")
        assert resp.status == 404
        page.wait_for_selector("body", timeout=30_000)
        page.wait_for_timeout(500)  # let the page ask for its styles and scripts
    assert any("/voila/tree" in u for u in rec.urls)
    assert rec.outside() == [], f"asked hosts other than this machine for: {rec.outside()}"


# --- the kernel WebSocket runs no code ------------------------------------------------------------

_PROBE_JS = r"""
async ([pageUrl, markerBase, proto, timeoutMs]) => {
  const uuid = () => crypto.randomUUID();
  const sid = uuid();
  const url = pageUrl.replace(/session_id=[^&]*/, 'session_id=' + sid);
  const ws = proto ? new WebSocket(url, [proto]) : new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const enc = new TextEncoder(), dec = new TextDecoder();
  const got = [];
  // The v1 protocol: little-endian u64 count, offsets, then channel, header, parent, metadata, content.
  function v1(channel, msg) {
    const parts = [channel, JSON.stringify(msg.header), JSON.stringify(msg.parent_header),
                   JSON.stringify(msg.metadata), JSON.stringify(msg.content)].map(s => enc.encode(s));
    const n = parts.length + 1, head = 8 * (n + 1);
    const buf = new ArrayBuffer(head + parts.reduce((a, p) => a + p.length, 0));
    const dv = new DataView(buf), u8 = new Uint8Array(buf);
    dv.setBigUint64(0, BigInt(n), true);
    let off = head;
    parts.forEach((p, i) => { dv.setBigUint64(8 * (i + 1), BigInt(off), true); u8.set(p, off); off += p.length; });
    dv.setBigUint64(8 * n, BigInt(off), true);
    return buf;
  }
  function parse(data) {
    if (typeof data === 'string') {
      const m = JSON.parse(data);
      return [m.channel, m.header.msg_type, (m.parent_header || {}).msg_id];
    }
    const dv = new DataView(data), n = Number(dv.getBigUint64(0, true)), offs = [];
    for (let i = 0; i < n; i++) offs.push(Number(dv.getBigUint64(8 * (i + 1), true)));
    const part = i => dec.decode(new Uint8Array(data.slice(offs[i], offs[i + 1])));
    return [part(0), JSON.parse(part(1)).msg_type, JSON.parse(part(2)).msg_id];
  }
  ws.onmessage = ev => { try { got.push(parse(ev.data)); } catch (e) { got.push(['?', 'unparsed', '']); } };
  await new Promise((res, rej) => {
    ws.onopen = res; ws.onerror = () => rej(new Error('websocket error'));
    setTimeout(() => rej(new Error('websocket did not open')), 30000);
  });
  const sent = {};
  const send = (type, content, channel) => {
    const msg = { header: { msg_id: uuid(), username: 'visitor', session: sid, msg_type: type, version: '5.3',
                            date: new Date().toISOString() },
                  parent_header: {}, metadata: {}, content, channel, buffers: [] };
    sent[msg.header.msg_id] = type + '@' + channel;
    ws.send(ws.protocol ? v1(channel, msg) : JSON.stringify(msg));
    return msg.header.msg_id;
  };
  const code = m => `open(${JSON.stringify(markerBase + m)}, 'w').write('executed')`;
  const exec = m => ({ code: code(m), silent: false, store_history: true, user_expressions: {},
                       allow_stdin: false, stop_on_error: true });
  const first = send('kernel_info_request', {}, 'shell');
  for (const channel of ['shell', 'control']) {
    send('execute_request', exec('_' + channel), channel);
    send('complete_request', { code: 'import o', cursor_pos: 8 }, channel);
    send('inspect_request', { code: 'open', cursor_pos: 4, detail_level: 1 }, channel);
    send('history_request', { output: false, raw: true, hist_access_type: 'tail', n: 10 }, channel);
  }
  // The kernel answers shell requests in order: once this one is answered, any answer to the
  // requests before it would have arrived too (control is answered ahead of shell).
  const last = send('kernel_info_request', {}, 'shell');
  const t0 = Date.now();
  const answered = id => got.some(g => g[2] === id && g[1] === 'kernel_info_reply');
  while (!answered(last) && Date.now() - t0 < timeoutMs) await new Promise(r => setTimeout(r, 100));
  await new Promise(r => setTimeout(r, 1000));
  ws.close();
  return { protocol: ws.protocol, first: answered(first), last: answered(last),
           replies: got.filter(g => sent[g[2]]).map(g => [sent[g[2]], g[0] + ':' + g[1]]) };
}
"""

FORBIDDEN = ("execute_request", "complete_request", "inspect_request", "history_request")


@pytest.mark.parametrize("notebook", ["rules_explorer.ipynb", "family_simulator.ipynb"],
                         ids=["preheated", "cold"])
def test_kernel_websocket_runs_no_code(kit_server, browser, tmp_path, notebook):
    page, rec, kid = _open(browser, kit_server.url, notebook)
    try:
        page_ws = next(u for u in rec.urls if f"/api/kernels/{kid}/channels" in u)
        for proto in (None, "v1.kernel.websocket.jupyter.org"):
            name = "v1" if proto else "json"
            marker = str(tmp_path / f"ran_{name}")
            r = page.evaluate(_PROBE_JS, [page_ws, marker, proto, 60_000])
            assert r["protocol"] == (proto or ""), f"the server did not take the {name} protocol: {r}"
            # the channel works: both kernel_info_requests were answered
            assert r["first"] and r["last"], f"{name}: no kernel_info_reply, so the probe proves nothing: {r}"
            answered = {sent for sent, _ in r["replies"]}
            for req in FORBIDDEN:
                for channel in ("shell", "control"):
                    assert f"{req}@{channel}" not in answered, f"{name}: the kernel answered {req} on {channel}: {r}"
            assert not list(tmp_path.glob(f"ran_{name}*")), f"{name}: code sent over the WebSocket ran"
        log = kit_server.log()
        for req in FORBIDDEN:  # the server saw them, and dropped them
            assert f'Received message of type "{req}", which is not allowed. Ignoring.' in log
        assert page_problems(page) == []  # the page itself is unharmed
    finally:
        leave_page(page)
    # leaving it (leave_page: beforeunload runs, as when a tab is closed) shuts the kernel down,
    # preheated or not
    assert not wait_for_kernels_gone(kit_server, [kid], KERNEL_GONE_S), f"kernel {kid} outlived its closed page"
