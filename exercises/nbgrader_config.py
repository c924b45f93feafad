# nbgrader configuration of the Linkages Kit course (one assignment per learner module).
#
# Run nbgrader from this folder with the kit's venv first on PATH (nbgrader calls `alembic` by
# name), or use `make grade` / `linkages grade`, which do that for you. See README.md.
import os

c = get_config()  # noqa: F821  (provided by nbgrader when it reads this file)

c.CourseDirectory.course_id = "linkages"
# The course folder is the folder of this file, wherever the kit is checked out (a hub user's
# home, a laptop, a temporary copy the parallel grader makes).
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# What a learner sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading: a cell that runs longer than this many seconds is interrupted and marked as failed;
# the rest of the notebook still runs. (`linkages grade` also stops a whole notebook after
# --notebook-timeout seconds, so a learner's loop that ignores interrupts cannot hold up a cohort.)
c.Execute.timeout = int(os.environ.get("LINKAGES_CELL_TIMEOUT", "60"))
c.Execute.interrupt_on_timeout = True
# Deleted cells are put back by the kit's repair step (`linkages grade`), which also reports it.
# nbgrader's own add_missing_cells stays off: it fails when the cell before a deleted one is a
# read-only instruction cell, as in these notebooks.
c.OverwriteCells.add_missing_cells = False

# Feedback pages: plain-language messages instead of tracebacks, hidden checks kept hidden.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "linkages.grading.feedback.PlainFeedback",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# ... and pages that work offline: nbgrader's feedback template loads MathJax from a CDN; the
# kit's template folder, searched first, replaces that one macro with nothing.
from linkages.grading.feedback import offline_template_dirs  # noqa: E402

c.HTMLExporter.extra_template_basedirs = offline_template_dirs()

# On a JupyterHub with the nbgrader exchange (see HUB.md), point this at the shared exchange:
# c.Exchange.root = "/srv/nbgrader/exchange"
