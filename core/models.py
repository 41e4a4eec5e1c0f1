"""What every app stands on: partner schools and the booking rules that study spaces and
programmes share."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class School(models.Model):
    """A partner school. Participants may also belong to none (not enrolled, or left school)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    is_special_needs = models.BooleanField(_("special-needs school"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("is_special_needs"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        # Moved from the cms app without moving its rows (migrations core 0001, cms 0004).
        db_table = "cms_school"
        ordering = ["sort_order", "name"]
        verbose_name = _("partner school")
        verbose_name_plural = _("partner schools")

    def __str__(self) -> str:
        return self.name


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


class CacheVersion(models.Model):
    """The source of truth for a cache version (`core.cache`): Redis keeps a copy for speed and
    the database answers while Redis is unreachable, or after it lost its keys."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
