"""Keep a simulator's kernel small: pandas without pyarrow.

pandas 3 imports pyarrow as soon as it is installed, and the kit installs it because Splink (the
shared-families matcher) needs it. Mapped into a kernel, pyarrow costs about 60 MB of resident
memory — a third of a simulator kernel — and the simulators that do no record matching never use
it: their tables are small and their strings are plain Python strings either way.

:func:`lean_kernel` is the first line of those simulators' notebooks. It hides pyarrow from this
process before pandas is first imported, so pandas falls back to its own string storage. It does
nothing once pandas (or pyarrow) is already imported, so it can never take pyarrow away from code
that is using it. The matching simulator (``find_shared_families.ipynb``) does not call it.
"""

from __future__ import annotations

import sys

__all__ = ["lean_kernel"]


def lean_kernel() -> bool:
    """Hide pyarrow from pandas in this process; ``True`` if it was hidden, ``False`` if pandas or
    pyarrow had already been imported (then nothing changes)."""
    if "pandas" in sys.modules or sys.modules.get("pyarrow") is not None:
        return False
    sys.modules["pyarrow"] = None  # ``import pyarrow`` now raises ImportError, as if not installed
    return True
