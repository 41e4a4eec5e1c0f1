"""A report covers days of one fiscal year, in order: anything else is refused with a message
that says why."""

import datetime as dt

import pytest

from attendance.services.reports import period_report
from ministry.services.figures import (
    a_year_before,
    build_report_document,
    period_within_fiscal_year,
)

from .conftest import NOW


def test_a_period_inside_one_fiscal_year_gives_its_year():
    assert period_within_fiscal_year(dt.date(2026, 4, 1), dt.date(2026, 9, 30)) == 2026
    assert period_within_fiscal_year(dt.date(2027, 1, 1), dt.date(2027, 3, 31)) == 2026
    assert period_within_fiscal_year(dt.date(2026, 5, 5), dt.date(2026, 5, 5)) == 2026


def test_crossing_1_april_is_refused():
    with pytest.raises(ValueError, match="crosses 1 April") as error:
        period_within_fiscal_year(dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert "2025-04-01 … 2026-03-31" in str(error.value)


def test_a_reversed_period_is_refused():
    with pytest.raises(ValueError, match="reversed"):
        period_within_fiscal_year(dt.date(2026, 9, 30), dt.date(2026, 4, 1))


@pytest.mark.django_db
def test_the_services_refuse_before_any_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        with pytest.raises(ValueError, match="crosses 1 April"):
            period_report(dt.date(2026, 3, 31), dt.date(2026, 4, 1), now=NOW)
        with pytest.raises(ValueError, match="reversed"):
            build_report_document(
                dt.date(2026, 5, 2), dt.date(2026, 5, 1), now=NOW, exact=True, sections=[]
            )


def test_the_previous_year_of_29_february_is_the_28th():
    assert a_year_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert a_year_before(dt.date(2026, 9, 30)) == dt.date(2025, 9, 30)
