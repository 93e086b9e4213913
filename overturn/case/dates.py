"""Dates that may be known only to the month or year ("laminectomy in March 2026")."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_US = re.compile(r"^(\d{1,2})/(?:(\d{1,2})/)?(\d{4})$")


def parse_partial_date(value: Any) -> str:
    """Return ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; accept ISO, ``MM/YYYY`` and ``MM/DD/YYYY``."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValueError("expected a date such as 2026-03-02, 2026-03 or 2026")
    if m := _US.match(text):
        month, day, year = m.groups()
        text = f"{year}-{month}" + (f"-{day}" if day else "")
    m = _ISO.match(text)
    if not m:
        raise ValueError(f"'{text}' is not a date (use 2026-03-02, 2026-03 or 2026)")
    year = int(m[1])
    month = int(m[2]) if m[2] else 0
    day = int(m[3]) if m[3] else 0
    if not 1900 <= year <= date.today().year + 5:
        raise ValueError(f"'{text}' has an implausible year")
    if month and not 1 <= month <= 12:
        raise ValueError(f"'{text}' has no month {month}")
    if day:
        try:
            return date(year, month, day).isoformat()
        except ValueError as exc:
            raise ValueError(f"'{text}' is not a real date") from exc
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


PartialDate = Annotated[str, BeforeValidator(parse_partial_date)]


def partial_date_bounds(text: str) -> tuple[date, date]:
    """Earliest and latest day a partial date may stand for."""
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 3:
        day = date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    return date(parts[0], 1, 1), date(parts[0], 12, 31)
