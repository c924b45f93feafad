"""pyproject.toml and environment.yml carry the same dependencies with the same ranges;
the README's first lines give the two commands; CI runs exactly the README's test command."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", spec)
    name, rng = m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")
    return name, ",".join(sorted(rng.split(","))) if rng else ""


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = py["project"]["dependencies"] + py["project"]["optional-dependencies"]["test"]
    want = dict(_norm(d) for d in deps)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = dict(_norm(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip")))
    missing = sorted(set(want) - set(have))
    extra = sorted(set(have) - set(want))
    differ = sorted(n for n in set(want) & set(have) if want[n] != have[n])
    assert not missing, f"in pyproject but not environment.yml: {missing}"
    assert not extra, f"in environment.yml but not pyproject: {extra}"
    assert not differ, "ranges differ: " + ", ".join(f"{n}: {want[n]} vs {have[n]}" for n in differ)
    assert all(rng for rng in want.values()), "every dependency needs a version range"


def test_readme_first_lines_and_ci():
    head = "\n".join((ROOT / "README.md").read_text().splitlines()[:15])
    assert "make demo" in head and "make test" in head
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.M)
