"""Study spaces, their opening hours, booking rules and closures."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel

from core.models import BookingRules
from programs.kinds import SupportKind

from ..fields import WEEKDAY_CHOICES, WeekdaysField
from .owners import SlotOwner

# Slots and closures belong to exactly one study space or one programme.
SPACE_XOR_PROGRAM = Q(space__isnull=False, program__isnull=True) | Q(
    space__isnull=True, program__isnull=False
)


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
    join_until_minutes_before_end = models.PositiveSmallIntegerField(
        _("joining closes (minutes before the end)"),
        default=30,
        validators=[MaxValueValidator(600)],
        help_text=_(
            "Students may still book a time that has started, until this many minutes before "
            "it ends: most decide after school."
        ),
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
        FieldPanel("join_until_minutes_before_end"),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening hours")),
    ]

    class Meta:
        verbose_name = _("study space")
        verbose_name_plural = _("study spaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # The slot owner's questions (booking.models.owners.SlotOwner).

    @property
    def owner_title(self) -> str:
        return self.name

    @property
    def owner_place(self) -> str:
        return self.place

    @property
    def capacity_per_slot(self) -> int:
        return self.capacity

    @property
    def support_kind(self) -> str:
        return SupportKind.STUDY_SPACE

    @property
    def week_url(self) -> str:
        return reverse("space_week", args=[self.slug])

    @property
    def slot_key(self) -> dict:
        return {"space": self}


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
                condition=SPACE_XOR_PROGRAM,
                name="closure_one_target",
            ),
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.first_day}–{self.last_day}: {self.reason}"

    @property
    def target(self) -> SlotOwner:
        return self.space or self.program
