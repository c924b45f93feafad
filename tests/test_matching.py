"""Matching: synthetic extracts, exact + probabilistic stages, review queue, scores, uploads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkages.matching import (
    DEFAULT_HOUSEHOLDS,
    DEFAULT_SEED,
    EXTRACT_COLUMNS,
    MatchError,
    evaluate,
    exact_stage,
    match,
    prepare,
    synthetic_extracts,
    threshold_table,
)
from linkages.matching.confidentiality import as_html
from linkages.matching.extracts import error_rates
from linkages.matching.linkage import STAGE_EXACT, STAGE_PROB
from linkages.matching.spark import spark_settings
from linkages.matching.upload import read_extract

N_HOUSEHOLDS = DEFAULT_HOUSEHOLDS  # the default extracts: about 3,000 welfare records
SEED = DEFAULT_SEED


@pytest.fixture(scope="module")
def ex():
    return synthetic_extracts(N_HOUSEHOLDS, seed=SEED)


@pytest.fixture(scope="module")
def result(ex):
    return match(ex.welfare, ex.cws, seed=SEED)


# -- extracts ---------------------------------------------------------------------------------
def test_extracts_have_the_columns_and_their_own_ids(ex):
    for df in (ex.welfare, ex.cws):
        assert set(EXTRACT_COLUMNS) <= set(df.columns)
        assert df.record_id.is_unique
    assert not set(ex.welfare.record_id) & set(ex.cws.record_id)
    assert "person_id" not in ex.welfare.columns and "person_id" not in ex.cws.columns
    assert len(ex.truth) == len(ex.welfare) + len(ex.cws)


def test_extracts_cover_the_right_households(ex):
    hh = ex.households.set_index("household_id")
    t = ex.truth
    w_hh = set(t.loc[t.source == "welfare", "household_id"])
    c_hh = set(t.loc[t.source == "cws", "household_id"])
    assert hh.loc[list(w_hh), "in_calworks"].all()
    assert hh.loc[list(c_hh), "in_cws"].all()
    shared = set(hh.index[hh.in_calworks.astype(bool) & hh.in_cws.astype(bool)])
    assert ex.shared_households == shared  # every shared household appears in both
    assert len(shared) > 50


def test_extracts_are_seeded(ex):
    again = synthetic_extracts(N_HOUSEHOLDS, seed=SEED)
    pd.testing.assert_frame_equal(ex.welfare, again.welfare)
    pd.testing.assert_frame_equal(ex.cws, again.cws)
    other = synthetic_extracts(N_HOUSEHOLDS, seed=SEED + 1)
    assert not ex.welfare.equals(other.welfare)


def test_every_ssn_is_in_the_never_issued_range(ex):
    for df in (ex.welfare, ex.cws):
        d = df.ssn.dropna().str.replace("-", "")
        assert d.str.fullmatch(r"9\d{8}").all()


def test_an_ssn_never_stands_for_two_people(ex):
    """Mistyped SSNs are redrawn until unique, so one SSN is one person across both extracts."""
    t = ex.truth.set_index("record_id")
    rows = []
    for df in (ex.welfare, ex.cws):
        s = df[["record_id", "ssn"]].dropna()
        rows.append(pd.DataFrame({"ssn": s.ssn.str.replace("-", ""), "person": t.loc[s.record_id, "person_id"].to_numpy()}))
    both = pd.concat(rows)
    assert both.groupby("ssn").person.nunique().max() == 1


def test_record_differences_follow_the_parameters(ex):
    rates = error_rates("cws")
    missing = ex.cws.ssn.isna().mean()
    # population SSNs are sometimes missing too, so the extract misses at least the parameter's share
    assert missing >= rates["ssn_missing"] * 0.8
    t = ex.truth
    dup = t[t.source == "cws"].person_id.duplicated().mean()
    assert abs(dup - rates["duplicate_record"]) < 0.02
    assert ex.cws.first_name.dropna().str.isupper().all()  # CWS-like format: capitals


# -- matching -----------------------------------------------------------------------------------
def test_exact_stage_is_never_wrong(ex, result):
    s = evaluate(result, ex)
    assert s.exact_pairs > 0.3 * s.true_pairs
    assert s.exact_wrong == 0


def test_exact_stage_needs_the_birth_dates_to_agree():
    w = pd.DataFrame({"record_id": ["W1", "W2"], "case_id": ["A", "B"], "first_name": ["Ana", "Luis"],
                      "last_name": ["Diaz", "Vo"], "sex": ["F", "M"],
                      "birth_date": pd.to_datetime(["1990-01-02", "1985-05-05"]),
                      "ssn": ["912-34-5678", "923-45-6789"]})
    c = pd.DataFrame({"record_id": ["C1", "C2"], "case_id": ["X", "Y"], "first_name": ["ANA", "MAI"],
                      "last_name": ["DIAZ", "LE"], "sex": ["F", "F"],
                      "birth_date": pd.to_datetime(["1990-01-02", "2001-07-30"]),
                      "ssn": ["912345678", "923456789"]})  # C2 shares W2's SSN (a keying error)
    pairs = exact_stage(prepare(w, "welfare"), prepare(c, "cws"))
    assert list(zip(pairs.welfare_id, pairs.cws_id)) == [("W1", "C1")]


def test_match_quality_on_the_default_extracts(ex, result):
    s = evaluate(result, ex)
    assert s.f1 >= 0.95, s
    assert s.precision >= 0.95 and s.recall >= 0.95
    assert s.family_f1 >= 0.95, s


def test_review_queue_holds_the_uncertain_pairs(result):
    q = result.review_queue()
    p = result.pairs
    band = p[(p.stage == STAGE_PROB) & (p.match_probability >= result.review_from)
             & (p.match_probability < result.accept_from)]
    assert len(q) == len(band)
    assert set(zip(q.welfare_id, q.cws_id)) == set(zip(band.welfare_id, band.cws_id))
    if len(q):
        assert q.match_probability.is_monotonic_decreasing
        assert {"first_name_welfare", "first_name_cws", "dob_str_welfare", "note"} <= set(q.columns)
        assert (q.ssn_welfare.str.startswith("***") | q.ssn_welfare.eq("")).all()
    wider = result.review_queue(accept_from=0.999, review_from=0.05)
    assert len(wider) >= len(q)


def test_exact_pairs_are_matches_whatever_the_threshold(result):
    d = result.decisions(accept_from=1.1, review_from=1.1)
    assert (d[result.pairs.stage == STAGE_EXACT] == "match").all()


def test_threshold_table_trades_precision_for_recall(ex, result):
    tab = threshold_table(result, ex)
    assert tab.recall.is_monotonic_decreasing
    assert tab.families_found.is_monotonic_decreasing
    assert (tab.families_found + tab.families_missed == tab.families_shared).all()
    assert tab.precision.iloc[-1] >= tab.precision.iloc[0]


def test_match_is_deterministic_with_a_seed(ex, result):
    again = match(ex.welfare, ex.cws, seed=SEED)
    a = result.pairs.set_index(["welfare_id", "cws_id"]).match_probability
    b = again.pairs.set_index(["welfare_id", "cws_id"]).match_probability
    # EM sums floats in parallel, so scores agree to rounding; every pair that matters is in both
    assert set(a[a >= 0.01].index) == set(b[b >= 0.01].index)
    common = a.index.intersection(b.index)
    np.testing.assert_allclose(a[common].sort_index().to_numpy(), b[common].sort_index().to_numpy(), atol=1e-6)


@pytest.mark.parametrize("damage", ["no_ssn", "no_dob", "no_first_names", "tiny"])
def test_damaged_extracts_still_match_or_say_why(ex, damage):
    w, c = ex.welfare.head(400), ex.cws.head(300)
    if damage == "no_ssn":
        w, c = w.assign(ssn=None), c.assign(ssn=None)
    elif damage == "no_dob":
        c = c.assign(birth_date=pd.NaT)
    elif damage == "no_first_names":
        w = w.assign(first_name=None)
    else:
        w, c = w.head(3), c.head(3)
    r = match(w, c, seed=1)
    assert r.pairs.match_probability.between(0, 1).all()


def test_unusable_extracts_get_a_sentence(ex):
    with pytest.raises(MatchError, match="Columns are missing"):
        match(ex.welfare.drop(columns=["ssn"]), ex.cws)
    with pytest.raises(MatchError, match="no records"):
        match(ex.welfare.head(0), ex.cws)


def test_spark_settings_carry_the_trained_model(result):
    s = spark_settings(result.settings_json)
    assert s["sql_dialect"] == "spark"
    assert s["probability_two_random_records_match"] == result.settings_json["probability_two_random_records_match"]
    for mine, theirs in zip(s["comparisons"], result.settings_json["comparisons"]):
        for a, b in zip(mine["comparison_levels"], theirs["comparison_levels"]):
            assert a.get("m_probability") == b.get("m_probability")
    sql = str(s)
    assert "jaro_winkler(" in sql and "list_intersect" not in sql


def test_confidentiality_rules_are_shown_with_sources():
    h = as_html()
    assert "10850" in h and "827" in h and h.count("href=") >= 4


# -- uploads -----------------------------------------------------------------------------------
def _csv(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode()


def test_a_good_upload_is_read(ex):
    chk = read_extract(_csv(ex.cws), "cws.csv")
    assert chk.ok and len(chk.extract) == len(ex.cws)


@pytest.mark.parametrize(
    "content, name, words",
    [
        (b"", "x.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "x.csv", "could not be read"),
        (b'record_id,case_id\n1,"2\n', "x.csv", "could not be read as CSV"),
        (b"some text", "x.xlsx", "not a CSV"),
        (b"record_id,case_id,first_name,last_name,sex,birth_date,ssn\n", "x.csv", "no records"),
    ],
)
def test_unreadable_uploads_get_a_sentence(content, name, words):
    chk = read_extract(content, name)
    assert not chk.ok and words in chk.message()


def test_bad_columns_and_types_are_listed(ex):
    bad = ex.cws.drop(columns=["case_id"]).astype({"birth_date": str}).head(20).copy()
    bad.loc[2, "birth_date"] = "31/31/2020"
    bad.loc[3, "ssn"] = "123-45-6789"
    bad.loc[4, "sex"] = "Q"
    bad.loc[5, "record_id"] = bad.loc[6, "record_id"]
    msg = read_extract(_csv(bad), "bad.csv").message()
    for words in ("Missing column: case_id", "birth_date", "31/31/2020", "ssn", "10850", "sex", "more than once"):
        assert words in msg, (words, msg)


# -- the simulator notebook --------------------------------------------------------------------
def test_simulator_notebook_is_thin_clean_and_runs(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "simulators" / "find_shared_families.ipynb"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and all(not c.get("outputs") for c in code)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outs = code[0].outputs
    assert not [o for o in outs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outs)


def _find(widget, cls, out=None):
    out = [] if out is None else out
    if cls in getattr(widget, "_dom_classes", ()):
        out.append(widget)
    for child in getattr(widget, "children", ()):
        _find(child, cls, out)
    return out


def _upload(widget, name: str, content: bytes):
    import datetime as dt

    widget.value = ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
                     "last_modified": dt.datetime.now(dt.timezone.utc)},)


def test_simulator_widgets_without_a_browser(ex):
    """The app's callbacks, driven directly: threshold moves, bad uploads change nothing, a good
    upload is used and counted on its button, "Review from" above "Accept from" is said."""
    from linkages.ui.matching_app import build_app

    app = build_app()
    one = lambda cls: _find(app, cls)[0]  # noqa: E731
    counts = one("lk-counts")
    first = counts.value
    assert "Shared families found" in first and "alt=" in one("lk-figure-box").value
    one("lk-accept").value = 0.9999
    assert counts.value != first and "99.99%" in counts.value
    strict = counts.value
    up = one("lk-upload-cws")
    for name, content in (("bad.csv", b"a,b\n1,2\n"), ("x.csv", b"\x00\x01"), ("empty.csv", b"")):
        _upload(up, name, content)
        assert "lk-problem" in one("lk-upload-msg").value
        assert counts.value == strict
        assert len(up.value) == 0  # the button counts files in use: none
    # "Review from" above "Accept from": used as "Accept from", and a sentence beside it says so
    one("lk-accept").value = 0.9
    one("lk-review-from").value = 0.99
    msg = one("lk-msg-review-from").value
    assert "above Accept from (90%)" in msg and "no pair goes to review" in msg
    assert "lk-invalid" in one("lk-field-review-from")._dom_classes
    assert "<b class='lk-queue-size'>0</b>" in counts.value
    one("lk-review-from").value = 0.3
    assert one("lk-msg-review-from").value == ""
    # a good upload (part of the synthetic CWS extract) is matched and counted as in use
    _upload(up, "cws_part.csv", ex.cws.head(300).to_csv(index=False).encode())
    assert "every check passed" in one("lk-upload-msg").value and len(up.value) == 1
    assert "In use: cws_part.csv as the CWS extract." in one("lk-extracts").value
    one("lk-reset").click()
    assert len(up.value) == 0 and "cws_part.csv" not in one("lk-extracts").value


def _links(html_text: str) -> dict[str, bytes]:
    import base64
    import re

    return {name: base64.b64decode(data) for name, data in
            re.findall(r'download="([^"]+)" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"', html_text)}


def _cells(table_html: str) -> list[list[str]]:
    import html as h
    import re

    body = table_html.split("<tbody>", 1)[1]
    return [[h.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_simulator_downloads_hold_what_is_on_screen():
    """Figure (PNG), thresholds and review queue (CSV, SSNs masked) and the one-page summary carry
    the numbers and rows the page shows, at the thresholds chosen."""
    import base64
    import io
    import re

    from linkages.ui.matching_app import QUEUE_ROWS, build_app

    app = build_app()
    one = lambda cls: _find(app, cls)[0]  # noqa: E731
    one("lk-variant").value = "messy"
    one("lk-accept").value = 0.999
    one("lk-review-from").value = 0.05
    links = _links(one("lk-export").value)
    stem = "find_shared_families"
    assert set(links) == {f"{stem}_summary.html", f"{stem}_thresholds.csv", f"{stem}_review_queue.csv",
                          f"{stem}_precision_recall.png"}
    # the figure: the same PNG as on screen
    shown_png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', one("lk-figure-box").value).group(1))
    assert links[f"{stem}_precision_recall.png"] == shown_png and shown_png.startswith(b"\x89PNG")
    # the thresholds: the chosen row has the numbers on screen
    counts = one("lk-counts").value
    tab = pd.read_csv(io.BytesIO(links[f"{stem}_thresholds.csv"]))
    chosen = tab[tab["chosen on screen"] == "yes"]
    assert len(tab) == 17 and len(chosen) == 1 and chosen["accept from"].iloc[0] == "99.9%"
    row = chosen.iloc[0]
    assert f"precision <b class='lk-precision'>{100 * row.precision:.1f}%</b>" in counts
    assert f"recall <b class='lk-recall'>{100 * row.recall:.1f}%</b>" in counts
    assert f"<b class='lk-found'>{int(row['shared families found']):,}</b>" in counts
    n_queue = int(re.search(r"<b class='lk-queue-size'>([\d,]+)</b>", counts).group(1).replace(",", ""))
    assert int(row["review queue (pairs)"]) == n_queue > QUEUE_ROWS
    assert tab["recall"].iloc[0] - tab["recall"].iloc[-1] >= 0.10  # the messier extracts' trade is in it
    # the review queue: every pair of the queue, the first rows exactly as on screen, SSNs masked
    q = pd.read_csv(io.BytesIO(links[f"{stem}_review_queue.csv"]), dtype=str, keep_default_na=False)
    assert len(q) == n_queue
    screen = _cells(one("lk-queue").value)
    assert len(screen) == QUEUE_ROWS
    assert [r[:9] for r in screen] == q.drop(columns=["welfare record", "CWS record", "note"]).head(QUEUE_ROWS).values.tolist()
    ssn_cells = pd.concat([q["welfare SSN"], q["CWS SSN"]])
    assert ssn_cells.str.fullmatch(r"(\*\*\*-\*\*-\d{4})?").all()
    raw = links[f"{stem}_review_queue.csv"].decode()
    assert not re.search(r"\b9\d{2}-?\d{2}-?\d{4}\b", raw)  # no whole SSN anywhere in the file
    # the summary: the sentences, the figure with its alt text, the tables; nothing from outside
    page = links[f"{stem}_summary.html"].decode()
    alt = re.search(r'alt="([^"]+)"', one("lk-figure-box").value).group(1)
    assert alt in page and base64.b64encode(shown_png).decode() in page
    found = re.search(r"<b class='lk-found'>([\d,]+)</b> of ([\d,]+)", counts)
    assert f"Shared families found: {found.group(1)} of {found.group(2)}" in page
    assert "messier extracts" in page and "W&amp;I 827" in page and "Review queue (first 15 of" in page
    assert screen[0][1] in page and screen[0][4] in page
    assert "<script" not in page and not re.search(r"(src|href)=['\"]https?:", page)


def test_review_queue_note_names_both_rules_as_the_brief_has_them():
    from linkages.ui.matching_app import REVIEW_NOTE

    assert "W&amp;I 10850" in REVIEW_NOTE and "W&amp;I 827" in REVIEW_NOTE
    assert "protective-services" in REVIEW_NOTE and "juvenile court order" in REVIEW_NOTE
    assert "directly connected with" in REVIEW_NOTE and "child protective agencies" in REVIEW_NOTE


# -- Splink 5 and the documented Spark path --------------------------------------------------------
def _snippets() -> dict[str, str]:
    """The Spark snippet as written in SPARK.md and in the two docstrings that repeat it."""
    import re
    import textwrap
    from pathlib import Path

    import linkages.matching.linkage as linkage_mod
    import linkages.matching.spark as spark_mod

    md = (Path(linkage_mod.__file__).parent / "SPARK.md").read_text(encoding="utf-8")
    blocks = [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", md, re.S) if "SparkAPI" in b]
    assert len(blocks) == 1, "SPARK.md should carry exactly one Spark snippet"
    out = {"SPARK.md": blocks[0]}
    for name, doc in (("linkage.py", linkage_mod.__doc__), ("spark.py", spark_mod.__doc__)):
        lines = doc.splitlines()
        start = next(i for i, ln in enumerate(lines) if "from splink import" in ln and "SparkAPI" in ln)
        body = []
        for ln in lines[start:]:
            if ln.strip() and not ln.startswith("    "):
                break
            body.append(ln)
        out[name] = textwrap.dedent("\n".join(body)).strip() + "\n"
    return {k: v.strip() + "\n" for k, v in out.items()}


def _spark_api_signature():
    """SparkAPI.__init__'s signature: from the class when pyspark is installed, else read from the
    installed Splink's source (the module imports pyspark at the top)."""
    import ast
    import importlib.util
    import inspect
    from pathlib import Path

    import splink

    if importlib.util.find_spec("pyspark") is not None:
        from splink import SparkAPI

        return inspect.signature(SparkAPI.__init__), True
    src = Path(splink.__file__).parent / "internals" / "spark" / "database_api.py"
    tree = ast.parse(src.read_text(encoding="utf-8"))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "SparkAPI")
    base = ast.unparse(cls.bases[0])
    init = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    P = inspect.Parameter
    params = [P(a.arg, P.POSITIONAL_OR_KEYWORD) for a in init.args.args]
    kw_defaults = init.args.kw_defaults
    params += [P(a.arg, P.KEYWORD_ONLY, **({} if d is None else {"default": None}))
               for a, d in zip(init.args.kwonlyargs, kw_defaults)]
    return inspect.Signature(params), base.startswith("DatabaseAPI")


def test_splink_5_is_installed_and_pinned():
    import tomllib
    from pathlib import Path

    import splink
    import yaml

    from linkages.matching.linkage import SPLINK_MAJOR, splink_problem

    assert int(splink.__version__.split(".")[0]) == SPLINK_MAJOR == 5
    assert splink_problem() is None
    root = Path(__file__).resolve().parents[1]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((root / "environment.yml").read_text())["dependencies"]
    for spec in (next(d for d in deps if d.startswith("splink")), next(d for d in env if str(d).startswith("splink"))):
        assert spec.replace(" ", "") == "splink>=5,<6", spec


def test_documented_spark_snippet_binds_to_the_installed_splink():
    """The one Spark snippet (SPARK.md = linkage.py = spark.py docstrings) calls Splink 5's API
    with arguments the installed version accepts (no Spark needed: signatures only)."""
    import ast
    import inspect

    from splink import Linker
    from splink.internals.database_api import DatabaseAPI
    from splink.internals.linker_components.inference import LinkerInference

    snippets = _snippets()
    assert len(set(snippets.values())) == 1, {k: v for k, v in snippets.items()}
    code = snippets["SPARK.md"]
    tree = ast.parse(code)
    spark_sig, subclass_ok = _spark_api_signature()
    assert subclass_ok  # SparkAPI is a DatabaseAPI, so it has DatabaseAPI.register
    sigs = {
        "SparkAPI": spark_sig,
        "db_api.register": inspect.signature(DatabaseAPI.register),
        "Linker": inspect.signature(Linker.__init__),
        "linker.inference.predict": inspect.signature(LinkerInference.predict),
        "linker.inference.predict_chunk": inspect.signature(LinkerInference.predict_chunk),
    }
    seen = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = ast.unparse(node.func)
        assert name in sigs, f"the snippet calls {name}, which the test does not know"
        seen.add(name)
        args = ["self"] + [ast.unparse(a) for a in node.args]
        kwargs = {k.arg: ast.unparse(k.value) for k in node.keywords}
        sigs[name].bind(*args, **kwargs)  # TypeError if Splink 5 does not take these arguments
    assert seen == set(sigs)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "splink" for a in n.names}
    import splink

    assert imported == {"Linker", "SparkAPI"} and set(imported) <= set(splink.__all__)
    # the old forms must fail: Splink 4's Linker(..., db_api=...) is not Splink 5's
    import pytest as _pytest

    with _pytest.raises(TypeError):
        sigs["Linker"].bind("self", ["welfare", "cws"], "model_spark.json", db_api="db_api")
    with _pytest.raises(TypeError):
        sigs["SparkAPI"].bind("self", "spark")  # spark_session is keyword-only


def test_splink_of_another_major_version_gets_a_plain_sentence(ex, monkeypatch):
    import splink

    monkeypatch.setattr(splink, "__version__", "4.0.8")
    with pytest.raises(MatchError, match="needs Splink 5, but Splink 4.0.8 is installed"):
        match(ex.welfare.head(50), ex.cws.head(50))


def test_a_failed_probabilistic_stage_claims_no_unchecked_cause(ex, monkeypatch):
    import linkages.matching.linkage as L

    def boom(*a, **k):
        raise RuntimeError("simulated failure inside Splink")

    monkeypatch.setattr(L, "_splink_stage", boom)
    with pytest.raises(MatchError) as err:
        match(ex.welfare.head(50), ex.cws.head(50))
    msg = str(err.value)
    assert "could not run" in msg and "log" in msg and "check that" not in msg
    assert "Both extracts do have first names, last names and dates of birth" in msg
    with pytest.raises(MatchError) as err:
        match(ex.welfare.head(50), ex.cws.head(50).assign(birth_date=pd.NaT))
    assert "the CWS extract has no dates of birth at all" in str(err.value)


# -- the messier extracts ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def messy():
    return synthetic_extracts(N_HOUSEHOLDS, seed=SEED, variant="messy")


def test_messier_extracts_follow_their_own_parameters(ex, messy):
    from linkages.params import param

    for source in ("welfare", "cws"):
        p = param(f"matching.extract_errors_messy.{source}")
        assert p.status == "assumption"
        hi, lo = error_rates(source, variant="messy"), error_rates(source)
        assert all(hi[k] >= lo[k] for k in hi) and sum(hi.values()) > 2 * sum(lo.values())
    assert messy.variant == "messy" and ex.variant == "default"
    assert messy.cws.ssn.isna().mean() > ex.cws.ssn.isna().mean() + 0.2
    assert messy.shared_households == ex.shared_households  # same families, messier records
    with pytest.raises(ValueError, match="Choose the extracts"):
        error_rates("cws", variant="tidy")


def test_on_messier_extracts_the_threshold_visibly_trades_precision_for_recall(ex, result, messy):
    res = match(messy.welfare, messy.cws, seed=SEED)
    tab = threshold_table(res, messy)
    lo, hi = tab.iloc[0], tab.iloc[-1]  # loosest (1%) and strictest (99.99%) accept thresholds
    assert lo.recall - hi.recall >= 0.10, (lo.recall, hi.recall)            # stricter: fewer found
    assert hi.precision - lo.precision >= 0.05, (lo.precision, hi.precision)  # stricter: fewer wrong
    assert lo.families_found - hi.families_found >= 10
    # ... where on the default extracts the same sweep barely moves recall
    base = threshold_table(result, ex)
    assert (base.recall.max() - base.recall.min()) < (tab.recall.max() - tab.recall.min()) / 2
