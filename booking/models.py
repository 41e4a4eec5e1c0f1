"""Participants, study spaces, bookable slots, bookings and closures.

One booking engine serves the open study space (opening hours in django-scheduler), programme
sessions (the programme page's RecurrenceField) and one-to-one consultations (capacity 1).
Every bookable slot is a saved `Slot` row, created ahead over a rolling horizon by
`booking.services.slots.generate_slots`; bookings hang off slots, never off computed
occurrences. The rules that change these rows live in `booking.services`.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel

from .fields import WEEKDAY_CHOICES, WeekdaysField


def new_token() -> str:
    return secrets.token_urlsafe(24)


# Booking codes are read aloud and typed at the desk: no 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Participant(models.Model):
    """A student. The minimum we need: a nickname, a school (or none), a birth year (for the
    guardian-consent rule) and where to send booking mail. Walk-ins registered by staff have no
    account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, help_text=_("A stable code such as P-0012.")
    )
    nickname = models.CharField(_("nickname"), max_length=40)
    school = models.ForeignKey(
        "cms.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: not at a partner school, or not enrolled."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1950)]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.nickname} ({self.reference})"

    @property
    def email(self) -> str:
        return self.contact_email or (self.user.email if self.user_id else "")


class BookingRules(models.Model):
    """Booking rules shared by study spaces and programmes, with the defaults the city chose."""

    advance_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    max_future_bookings = models.PositiveSmallIntegerField(
        _("future bookings per participant"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )

    class Meta:
        abstract = True


class StudySpace(BookingRules, ClusterableModel):
    """The open study space (学習スペース): bookable seats during opening hours."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True, allow_unicode=False)
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), default=12, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"),
        default=0,
        help_text=_("0: one slot per opening period. Otherwise opening hours are cut into slots."),
        validators=[MaxValueValidator(600)],
    )
    calendar = models.OneToOneField(
        "schedule.Calendar", null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("place"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("capacity"), FieldPanel("slot_minutes")]),
        FieldRowPanel([FieldPanel("advance_days"), FieldPanel("max_future_bookings")]),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening hours")),
    ]

    class Meta:
        verbose_name = _("study space")
        verbose_name_plural = _("study spaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """A friendly description of a django-scheduler Event: days, times, from/until. Staff edit
    this; `booking.services.opening_hours.apply_opening_hours` writes the Event and its Rule."""

    space = ParentalKey(StudySpace, related_name="opening_hours", on_delete=models.CASCADE)
    weekdays = WeekdaysField(_("days"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    event = models.OneToOneField(
        "schedule.Event", null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )

    panels = [
        FieldPanel("weekdays"),
        FieldRowPanel([FieldPanel("opens"), FieldPanel("closes")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
    ]

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        days = "・".join(str(label) for value, label in WEEKDAY_CHOICES if value in self.weekdays)
        return f"{days} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("'Until' must not be before 'from'.")})


class Closure(models.Model):
    """A suspension (休止) of a space or a programme for a date range, with a reason."""

    space = models.ForeignKey(
        StudySpace, null=True, blank=True, on_delete=models.CASCADE, related_name="closures"
    )
    program = models.ForeignKey(
        "programs.ProgramPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
    )
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)
    online_alternative = models.CharField(
        _("online alternative"),
        max_length=300,
        blank=True,
        help_text=_("Optional: what people can do instead, e.g. the online study room."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(space__isnull=False, program__isnull=True)
                | Q(space__isnull=True, program__isnull=False),
                name="closure_one_target",
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.first_day}–{self.last_day}: {self.reason}"

    @property
    def target(self):
        return self.space or self.program


class Slot(models.Model):
    """One bookable time: a study-space period or a programme session."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    space = models.ForeignKey(
        StudySpace, null=True, blank=True, on_delete=models.CASCADE, related_name="slots"
    )
    program = models.ForeignKey(
        "programs.ProgramPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="slots",
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("places"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    cancel_reason = models.CharField(max_length=200, blank=True)
    closure = models.ForeignKey(
        Closure, null=True, blank=True, on_delete=models.SET_NULL, related_name="slots"
    )

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start"]
        indexes = [models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(space__isnull=False, program__isnull=True)
                | Q(space__isnull=True, program__isnull=False),
                name="slot_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(fields=["space", "start"], name="slot_unique_space_start"),
            models.UniqueConstraint(fields=["program", "start"], name="slot_unique_program_start"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.start:%Y-%m-%d %H:%M}"

    @property
    def owner(self):
        return self.space if self.space_id else self.program

    @property
    def is_closed(self) -> bool:
        return self.closure_id is not None or self.status == self.Status.CANCELLED


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        CANCELLED_BY_CLOSURE = "closed", _("Cancelled: closure")
        CANCELLED_BY_SCHEDULE = "rescheduled", _("Cancelled: schedule changed")

    ACTIVE = (Status.CONFIRMED, Status.WAITLISTED)

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="bookings")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    code = models.CharField(_("booking code"), max_length=12, unique=True, default=new_booking_code)
    created_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["created_at", "pk"]
        constraints = [
            # One place per participant per slot; a cancelled booking does not block rebooking.
            models.UniqueConstraint(
                fields=["slot", "participant"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="booking_one_active_per_slot",
            )
        ]
        indexes = [models.Index(fields=["slot", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.slot} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
