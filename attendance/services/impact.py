"""The public impact page's figures: the current fiscal year's headline totals, with every count
below 3 shown as "<3" (`suppress_small`), so that nobody can be singled out from them."""

import datetime as dt

from core.time import local_date

from .reports import current_fiscal_year, fiscal_year_report, suppress_small


def public_headline(*, now: dt.datetime) -> dict:
    """Total visits (延べ), unique participants (実) and programme sessions held, for the fiscal
    year `now` falls in (Asia/Tokyo). Values are strings, already suppressed."""
    fiscal_year = current_fiscal_year(local_date(now))
    report = fiscal_year_report(fiscal_year, now=now)
    return {
        "fiscal_year": fiscal_year,
        "total_visits": suppress_small(report["total_visits"]),
        "unique_participants": suppress_small(report["unique_participants"]),
        "program_sessions_held": suppress_small(report["program_sessions_held"]),
    }
