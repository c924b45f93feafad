"""What the programs require, as small pure functions of a household (or child) and a date.

- :mod:`linkages.rules.calworks` — work hours, MAP, income tests, grant, sanctions, clock,
  homeless assistance, family-reunification aid.
- :mod:`linkages.rules.cws` — case plan due date, entered foster care, reunification limits,
  reviews, 15 of 22 months.
"""

from . import calworks, cws  # noqa: F401
