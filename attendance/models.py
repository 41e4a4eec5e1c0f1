"""Attendance (who came), and per-year outcomes.

Attendance rows are what the city reports to the ministry. Each row stores the local date, the
fiscal year and the month it falls in (Asia/Tokyo, fiscal years from 1 April) and the kind of
support and school at that moment, so reports group by plain indexed columns: no time-zone
conversion or date extraction in SQL, identical on PostgreSQL and SQLite.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, Participant, Slot
from core.time import fiscal_year_of, month_key
from programs.kinds import SupportKind


class Attendance(models.Model):
    class Source(models.TextChoices):
        BOOKING = "booking", _("Booked")
        WALK_IN = "walk_in", _("Walk-in")
        IMPORT = "import", _("Imported")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="attendances"
    )
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances"
    )
    booking = models.OneToOneField(
        Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )
    date = models.DateField(_("date"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    month = models.PositiveIntegerField(_("month"), editable=False, help_text="YYYYMM")
    kind = models.CharField(_("kind of support"), max_length=20, choices=SupportKind.choices)
    school = models.ForeignKey(
        "core.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Moved from the booking app without moving its rows (migrations attendance 0001,
        # booking 0009): the table keeps its name, and so do its indexes and constraints.
        db_table = "booking_attendance"
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        # Staff at the desk: mark who came, register walk-ins. Coordinators never get it.
        # Coordinators and Staff read the yearly report (aggregates only) and export it.
        permissions = [
            ("check_in", "Can check people in and register walk-ins"),
            ("view_reports", "Can view and export the attendance reports"),
        ]
        constraints = [
            # One visit per person per slot (a walk-in and a booking cannot both count).
            models.UniqueConstraint(
                fields=["participant", "slot"],
                condition=Q(slot__isnull=False),
                name="attendance_once_per_slot",
            ),
            # Importing the same spreadsheet twice adds nothing.
            models.UniqueConstraint(
                fields=["participant", "date", "kind"],
                condition=Q(source="import"),
                name="attendance_import_once",
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "month"]),
            # Covers the yearly report's scans: PostgreSQL can answer them from the index alone.
            models.Index(
                fields=["fiscal_year", "participant", "month", "kind", "school", "slot"],
                name="attendance_report_cover",
            ),
            models.Index(fields=["participant", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.participant.reference} {self.date} {self.kind}"

    def save(self, *args, **kwargs):
        self.set_period()
        super().save(*args, **kwargs)

    def set_period(self) -> None:
        """The fiscal year and report month of `date`: the one place a row gets them."""
        self.fiscal_year = fiscal_year_of(self.date)
        self.month = month_key(self.date)

    @classmethod
    def build(cls, **fields) -> "Attendance":
        """An unsaved row with its period set, for `bulk_create` (which skips `save`)."""
        row = cls(**fields)
        row.set_period()
        return row


class Outcome(models.Model):
    """What became of a participant in a fiscal year (成果). Recorded by staff."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="outcomes")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    returned_to_school = models.BooleanField(_("returned to school"), default=False)
    continuing_consultation = models.BooleanField(_("continuing consultation"), default=False)
    took_equivalency_exam = models.BooleanField(_("took the equivalency exam"), default=False)
    passed_equivalency_exam = models.BooleanField(_("passed the equivalency exam"), default=False)
    employed = models.BooleanField(_("employed"), default=False)
    further_education = models.BooleanField(_("went on to further education"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    FLAGS = [
        "returned_to_school",
        "continuing_consultation",
        "took_equivalency_exam",
        "passed_equivalency_exam",
        "employed",
        "further_education",
    ]

    class Meta:
        db_table = "booking_outcome"
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "fiscal_year"], name="outcome_once_per_year"
            ),
            models.CheckConstraint(
                condition=Q(passed_equivalency_exam=False) | Q(took_equivalency_exam=True),
                name="outcome_passed_implies_took",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant.reference} {self.fiscal_year}"


class AttendanceImport(models.Model):
    """One spreadsheet uploaded in the admin, from upload to import (attendance/imports/).

    The file waits in the private `imports` storage (shared by every app server and the worker)
    under `stored_name`, and is deleted once the upload is imported, cancelled or failed. The
    figures of the check and the first problems are kept here, so that the preview page reads
    the row instead of the file. States move forward only: uploaded → checked → importing →
    imported, or to cancelled or failed; the confirm and cancel steps lock the row to decide.
    """

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Being checked")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        FAILED = "failed", _("Failed")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        CANCELLED = "cancelled", _("Cancelled")

    class Failure(models.TextChoices):
        PROBLEMS = "problems", _("The file has problems")
        ERROR = "error", _("The file could not be processed")
        ABANDONED = "abandoned", _("The work stopped before it finished")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size"))
    # A random name in the `imports` storage; empty once the file is deleted.
    stored_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UPLOADED
    )
    failure = models.CharField(max_length=10, choices=Failure.choices, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    # The first problems only (a bad file may have 200,000); problem_count has them all.
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        # Rows of these files name people: Staff and administrators import, Coordinators never.
        default_permissions = ()
        permissions = [("import_attendance", "Can import attendance spreadsheets")]

    def __str__(self) -> str:
        # What the audit log shows as the entry's object: never the file's name, which may name
        # a person.
        return _("Attendance import %(number)s") % {"number": self.pk}
