"""Grading for the Linkages Kit's nbgrader course (``exercises/``).

- :func:`check` — in a learner's notebook, ``check("q3")`` runs the visible checks of one
  question and answers in plain words (no hub, no grader, no network, no hidden tests shown).
- ``linkages selfgrade [notebook]`` (:mod:`.selfgrade`) — a learner grades their own copy and
  gets a feedback page.
- ``linkages grade`` (:mod:`.cli`) — a trainer grades a cohort: release versions, collect
  submissions (a folder or an LMS zip), repair broken notebooks (:mod:`.repair`), autograde in
  parallel (:mod:`.parallel`), feedback pages, grades CSV and a cohort report (:mod:`.report`).
- :mod:`.authoring` builds the source notebooks from ``exercises/authoring/``.
"""

from .check import CheckResult, check

__all__ = ["check", "CheckResult"]
