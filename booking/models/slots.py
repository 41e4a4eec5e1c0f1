"""Bookable slots and the bookings on them."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .owners import SlotOwner
from .participants import Participant
from .spaces import SPACE_XOR_PROGRAM, Closure, StudySpace

# Booking codes are read aloud and typed at the desk: no 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


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
    # iCalendar's SEQUENCE: one more at each change of its time that its people were told of,
    # so that calendar apps replace the event they hold.
    sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["start"]
        indexes = [models.Index(fields=["start"])]
        constraints = [
            models.CheckConstraint(
                condition=SPACE_XOR_PROGRAM,
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
    def owner(self) -> SlotOwner:
        """The study space or the programme page. Where owners are read in a loop, fetch slots
        with select_related("space", "program")."""
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
    # The closure that cancelled it: reopening that closure may give the place back.
    cancelled_by_closure = models.ForeignKey(
        Closure, null=True, blank=True, on_delete=models.SET_NULL, related_name="cancelled_bookings"
    )

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
