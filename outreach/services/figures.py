"""The outreach figures of a fiscal year, for the yearly report and the ministry: new
consultation requests by month, source, channel and writer; the people reached by outreach and
the contacts made; cases by situation and by where they stand at the year's end; referrals by
school. Counts only: no row here names, or points at, a person.

One read model (`fiscal_year_figures`) answers the admin page, its exports, the public impact
page and the tests. Grouping is on plain stored columns (`fiscal_year`, `month`), as the
attendance report does, so the figures are the same on PostgreSQL and SQLite. Who may see the
breakdown unsuppressed is decided by the view (`outreach.access`)."""

import datetime as dt

from django.db.models import Count, OuterRef, Q, Subquery

from core import audit as core_audit
from core.figures import cell_label, suppress_breakdown, suppress_small
from core.models import School
from core.time import fiscal_months, fiscal_year_bounds

from .. import audit
from ..models import Case, ConsultationRequest, Contact, Referral, StatusChange


def _counts(queryset, field: str) -> dict:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _choice_rows(choices, counts: dict) -> list[dict]:
    return [
        {"key": value, "label": label, "count": counts.get(value, 0)} for value, label in choices
    ]


def status_at(day: dt.date):
    """A subquery: each case's status on `day` (its last status change on or before it)."""
    return Subquery(
        StatusChange.objects.filter(case=OuterRef("pk"), changed_on__lte=day)
        .order_by("-changed_on", "-recorded_at", "-pk")
        .values("status")[:1]
    )


def fiscal_year_figures(fiscal_year: int, *, today: dt.date) -> dict:
    """Every outreach count of `fiscal_year`. A year still running is counted up to `today`
    (the status "at the end of the year" is then today's)."""
    first, last = fiscal_year_bounds(fiscal_year)
    as_of = min(last, today)

    requests = ConsultationRequest.objects.filter(fiscal_year=fiscal_year)
    by_month = _counts(requests, "month")
    contacts = Contact.objects.filter(fiscal_year=fiscal_year)
    reached_cases = contacts.filter(reached=True).values("case").distinct().count()

    active = Case.objects.filter(opened_on__lte=as_of).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=first)
    )
    standing = active.annotate(year_end_status=status_at(as_of))
    by_situation = _counts(active, "situation")
    by_status = _counts(standing, "year_end_status")
    opened = Case.objects.filter(fiscal_year=fiscal_year)

    referrals = Referral.objects.filter(fiscal_year=fiscal_year)
    referred = {
        school_id: (count, accepted)
        for school_id, count, accepted in referrals.values_list("school")
        .annotate(
            n=Count("pk"),
            accepted=Count(
                "pk", filter=Q(status__in=[Referral.Status.ACCEPTED, Referral.Status.CLOSED])
            ),
        )
        .values_list("school", "n", "accepted")
        .order_by()
    }
    # Every school, zeros included: a breakdown listing only the schools that referred would
    # say which school a lone referral came from, its count suppressed or not.
    referral_rows = [
        {
            "key": school.pk,
            "label": school.name,
            "count": referred.get(school.pk, (0, 0))[0],
            "accepted": referred.get(school.pk, (0, 0))[1],
        }
        for school in School.objects.all()
    ]

    return {
        "fiscal_year": fiscal_year,
        "as_of": as_of,
        "requests": {
            "total": sum(by_month.values()),
            "month": [
                {"key": key, "count": by_month.get(key, 0)} for key in fiscal_months(fiscal_year)
            ],
            "source": _choice_rows(ConsultationRequest.Source.choices, _counts(requests, "source")),
            "channel": _choice_rows(
                ConsultationRequest.Channel.choices, _counts(requests, "channel")
            ),
            "writer": _choice_rows(ConsultationRequest.Writer.choices, _counts(requests, "writer")),
        },
        "outreach": {
            "people_reached": reached_cases,
            "contacts": contacts.count(),
            "contact_kind": _choice_rows(Contact.Kind.choices, _counts(contacts, "kind")),
        },
        "cases": {
            "active": active.count(),
            "opened": opened.count(),
            "found_via": _choice_rows(Case.FoundVia.choices, _counts(opened, "found_via")),
            "situation": _choice_rows(Case.Situation.choices, by_situation),
            "status": _choice_rows(Case.Status.choices, by_status),
        },
        "referrals": {"total": referrals.count(), "school": referral_rows},
    }


BREAKDOWNS = (
    ("requests", ("month", "source", "channel", "writer")),
    ("outreach", ("contact_kind",)),
    ("cases", ("found_via", "situation", "status")),
    ("referrals", ("school",)),
)


def suppressed(figures: dict) -> dict:
    """The same figures for the committee and the coordinators: in every breakdown, cells below
    3 read "<3" and, where the year's total would give one back, more cells are withheld
    (`core.figures.suppress_breakdown`); the totals stay exact (a total names nobody). A lead,
    who sees the cases themselves, gets the figures as they are."""
    result = {**figures}
    for section, keys in BREAKDOWNS:
        result[section] = {**figures[section]}
        for key in keys:
            rows = figures[section][key]
            for column in ("count", "accepted"):
                if rows and column in rows[0]:
                    cells = suppress_breakdown([row[column] for row in rows])
                    rows = [
                        {**row, column: cell_label(cell)}
                        for row, cell in zip(rows, cells, strict=True)
                    ]
            result[section][key] = rows
    return result


def public_totals(*, today: dt.date, fiscal_year: int) -> dict:
    """The impact page's outreach line: totals only, each below 3 shown as "<3"."""
    figures = fiscal_year_figures(fiscal_year, today=today)
    return {
        "requests": suppress_small(figures["requests"]["total"]),
        "people_reached": suppress_small(figures["outreach"]["people_reached"]),
        "cases": suppress_small(figures["cases"]["active"]),
    }


def log_figures_export(
    fiscal_year: int,
    export_format: str,
    *,
    target,
    by,
    now: dt.datetime,
    encoding: str | None = None,
):
    """Every export of the figures is audited: the year, the format and (for a CSV not in
    UTF-8) the encoding, nothing personal."""
    data = {"report": "outreach", "fiscal_year": fiscal_year, "format": export_format}
    if encoding:
        data["encoding"] = encoding
    return core_audit.log_action(target, audit.EXPORT_FIGURES, by=by, now=now, data=data)
