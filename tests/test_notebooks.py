"""Every simulator notebook runs top to bottom in a fresh kernel, and no committed notebook
carries outputs or execution counts. (The learner modules run in tests/test_modules.py, with
the inline backend and a time limit; exercises/ notebooks are checked by the grading tests.)"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "simulators").glob("*.ipynb"))
TIMEOUT_S = 180


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_runs_top_to_bottom(path, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    # a simulator that saves what a visitor types saves it here, not in the checkout
    monkeypatch.setenv("LINKAGES_SELF_ASSESSMENT_DIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"


def _committed_notebooks() -> list[str]:
    try:
        out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True,
                             timeout=30, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [p for p in out.splitlines() if p]


def test_committed_notebooks_carry_no_outputs():
    problems = []
    for rel in _committed_notebooks():
        shown = subprocess.run(["git", "show", f"HEAD:{rel}"], cwd=ROOT, capture_output=True, timeout=30)
        if shown.returncode != 0:
            continue  # staged but not yet committed
        nb = json.loads(shown.stdout.decode("utf-8"))
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("cell_type") != "code":
                continue
            if cell.get("outputs") or cell.get("execution_count") is not None:
                problems.append(f"{rel} cell {i}")
    assert not problems, "clear outputs before committing: " + ", ".join(problems[:10])
