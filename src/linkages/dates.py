"""Calendar arithmetic shared by the rules and the model (no policy figures here)."""

from __future__ import annotations

import datetime as dt

DAYS_PER_MONTH = 365.25 / 12


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clipped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    y, m = divmod(day.month - 1 + int(months), 12)
    year, month = day.year + y, m + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (nxt - dt.timedelta(days=1)).day))
