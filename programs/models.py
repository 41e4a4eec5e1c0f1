"""Programme pages: what staff publish and students find."""

from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from recurrence.fields import RecurrenceField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from core.blocks import BodyBlock
from core.models import BookingRules
from core.pages import CachedViewRestrictionsMixin, SharePageMixin

from .kinds import PROGRAM_KIND_VALUES, PROGRAM_KINDS, SupportKind
from .listing import shared_upcoming_programs
from .places import SessionWithPlaces, session_places
from .schedule import upcoming_sessions
from .widgets import WagtailRecurrenceWidget

PROGRAMS_PER_PAGE = 12


class ProgramIndexPage(CachedViewRestrictionsMixin, SharePageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["programs.ProgramPage"]
    max_count = 1

    class Meta:
        verbose_name = _("programme index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Unknown kinds and page numbers fall back to a normal page: these links are shared and
        # typed by hand, and a mistyped one must never end in an error.
        kind = request.GET.get("kind", "")
        if kind not in PROGRAM_KIND_VALUES:
            kind = ""
        programs = shared_upcoming_programs(now=timezone.now(), kind=kind or None, parent=self)
        page = Paginator(programs, PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            kinds=PROGRAM_KINDS,
            selected_kind=kind,
            programs=page,
        )
        return context


class ProgramPageForm(WagtailAdminPageForm):
    """Saving a draft, by hand or by Wagtail's autosave, defers required fields: it defers the
    checks in ProgramPage.clean() of what a published programme needs too. Otherwise every
    autosave of a new programme fails until its place and start time are filled in."""

    def _post_clean(self):
        self.instance.defer_publish_checks = self.is_deferred_validation
        try:
            super()._post_clean()
        finally:
            self.instance.defer_publish_checks = False


class ProgramPage(CachedViewRestrictionsMixin, SharePageMixin, BookingRules, Page):
    kind = models.CharField(_("kind"), max_length=20, choices=PROGRAM_KINDS)
    summary = models.CharField(
        _("summary"),
        max_length=200,
        help_text=_("One or two sentences. Shown in lists and when the link is shared."),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), blank=True, verbose_name=_("body"))

    age_min = models.PositiveSmallIntegerField(
        _("minimum age"), default=15, validators=[MinValueValidator(6), MaxValueValidator(99)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("maximum age"), default=19, validators=[MinValueValidator(6), MaxValueValidator(99)]
    )
    schools = ParentalManyToManyField(
        "core.School",
        verbose_name=_("schools"),
        blank=True,
        help_text=_("Leave empty when anyone may join, at a school or not."),
    )
    place = models.CharField(
        _("place"), max_length=200, blank=True, help_text=_("Left empty for online study.")
    )

    schedule = RecurrenceField(_("regular schedule"), blank=True, null=True)
    starts_on = models.DateField(
        _("first day"), null=True, blank=True, help_text=_("The schedule counts from this day.")
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        default=90,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    places_per_session = models.PositiveSmallIntegerField(
        _("places per session"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    booking_required = models.BooleanField(_("booking required"), default=True)
    meeting_url = models.URLField(
        _("meeting link"),
        blank=True,
        help_text=_(
            "Private: only people with a confirmed booking get it (mail, calendar file, My "
            "bookings), never the page. When you change it, everyone booked on a coming "
            "session is sent the new link."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]), FieldPanel("schools")],
            heading=_("Who it is for"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("place"),
                FieldPanel("schedule", widget=WagtailRecurrenceWidget),
                FieldRowPanel(
                    [
                        FieldPanel("starts_on"),
                        FieldPanel("start_time"),
                        FieldPanel("duration_minutes"),
                    ]
                ),
                FieldRowPanel([FieldPanel("places_per_session"), FieldPanel("booking_required")]),
                FieldRowPanel([FieldPanel("advance_days"), FieldPanel("max_future_bookings")]),
                FieldPanel("meeting_url"),
            ],
            heading=_("Schedule and places"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("place"),
        index.FilterField("kind"),
    ]

    parent_page_types = ["programs.ProgramIndexPage"]
    subpage_types = []
    base_form_class = ProgramPageForm
    defer_publish_checks = False

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.age_min and self.age_max and self.age_min > self.age_max:
            errors["age_max"] = _("The maximum age must not be below the minimum age.")
        if not self.defer_publish_checks:
            rules = self.schedule and (self.schedule.rrules or self.schedule.rdates)
            if rules and not self.start_time:
                errors["start_time"] = _("A regular schedule needs a start time.")
            if self.kind != SupportKind.ONLINE and not self.place:
                errors["place"] = _("Say where it takes place.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self) -> bool:
        return self.kind == SupportKind.ONLINE

    # A slot owner's questions, as a study space answers them too (booking.models.SlotOwner).

    @property
    def owner_title(self) -> str:
        return self.title

    @property
    def owner_place(self) -> str:
        return gettext("Online") if self.is_online else self.place

    # A session is a whole: nobody joins it once it has started (a study space allows it).
    join_until_minutes_before_end = None

    @property
    def capacity_per_slot(self) -> int:
        return self.places_per_session

    @property
    def support_kind(self) -> str:
        return self.kind

    @property
    def week_url(self) -> str:
        return reverse("program_week", args=[self.pk])

    @property
    def slot_key(self) -> dict:
        return {"program": self}

    def get_share_image(self):
        return self.hero_image

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        sessions = upcoming_sessions(self, now=now, limit=5)
        places = session_places([(self, s.start) for s in sessions], now=now)
        context["sessions"] = [
            SessionWithPlaces(s.start, s.end, places.get((self.pk, s.start))) for s in sessions
        ]
        return context
