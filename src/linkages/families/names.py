"""The name lists (``names.yaml``) as flat NumPy pools, so names are drawn with one gather.

Each group has female, male and last names, and the home languages a vignette may mention.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from ..yamlio import safe_load

__all__ = ["name_lists", "group_names", "Pool", "pool", "languages"]

NAMES_FILE = Path(__file__).parent / "names.yaml"


@lru_cache(maxsize=1)
def name_lists() -> dict:
    return safe_load(NAMES_FILE.read_text(encoding="utf-8"))


def group_names() -> list[str]:
    return list(name_lists())


class Pool:
    """One kind of name (``female``, ``male``, ``last``) for every group, concatenated."""

    def __init__(self, kind: str):
        lists = [name_lists()[g][kind] for g in group_names()]
        self.names = np.array([n for lst in lists for n in lst], dtype=object)
        self.size = np.array([len(lst) for lst in lists])
        self.start = np.concatenate([[0], np.cumsum(self.size)[:-1]])

    def index(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Position in :attr:`names` of the name at uniform position ``u`` (in [0, 1)) of each group's list."""
        return self.start[group] + (u * self.size[group]).astype(int)

    def draw(self, group: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The name at uniform position ``u`` (in [0, 1)) of each person's group list."""
        return self.names[self.index(group, u)]


@lru_cache(maxsize=None)
def pool(kind: str) -> Pool:
    return Pool(kind)


@lru_cache(maxsize=1)
def languages() -> list[list[str]]:
    """Home languages by group code (empty where the group has none)."""
    return [list(name_lists()[g].get("languages") or []) for g in group_names()]
