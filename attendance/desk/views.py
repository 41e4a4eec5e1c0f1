"""The check-in desk in the Wagtail admin (staff on a tablet or phone): today's slots, each
slot's roster with one-tap "came" / "didn't come", walk-ins, and a booking's page opened by
its QR code or typed code.

Views stay thin: every change goes through `attendance.services.checkin`; refusals arrive as
`BookingError` and become messages. The services write Wagtail's audit log (`core.audit`) and
say whether anything changed, so the views neither log nor look first.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from attendance.models import Attendance
from attendance.services.checkin import (
    check_in,
    kind_of,
    no_shows,
    register_new_walk_in,
    register_walk_in,
    roster,
    undo_check_in,
)
from booking.models import Booking, Participant, Slot
from booking.services.errors import BookingError
from core.time import local_date, start_of_day
from programs.kinds import SupportKind

from .forms import CodeForm, NewWalkInForm, WalkInSearchForm, normalise_code

SEARCH_LIMIT = 20


class StaffDeskView(View):
    """Base of the desk views: a permission (Staff have it, Coordinators never do) and the
    clock, read once per request and passed to the services."""

    permissions_required = ("attendance.check_in",)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(self.permissions_required):
            raise PermissionDenied
        self.now = timezone.now()
        self.today = local_date(self.now)
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict, *, title: str, crumbs=()):
        breadcrumbs = [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("checkin_home"), "label": _("Check-in")},
            *crumbs,
        ]
        return TemplateResponse(
            self.request,
            template,
            {
                "header_title": title,
                "page_title": title,
                "header_icon": "tick-inverse",
                "breadcrumbs_items": breadcrumbs,
                "now": self.now,
                "today": self.today,
                **context,
            },
        )


def slot_label(slot: Slot) -> str:
    start = timezone.localtime(slot.start)
    end = timezone.localtime(slot.end)
    return f"{slot.owner} {start:%H:%M}–{end:%H:%M}"


def _count(queryset) -> Coalesce:
    """A correlated COUNT per slot, so that the slot list stays one query."""
    counted = queryset.order_by().values("slot").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# Home: today's slots and the code form -------------------------------------------------------


class CheckInHomeView(StaffDeskView):
    template_name = "attendance/checkin_home.html"

    def get(self, request):
        day_start = start_of_day(self.today)
        bookings = Booking.objects.filter(slot=OuterRef("pk"))
        slots = list(
            Slot.objects.filter(start__gte=day_start, start__lt=day_start + dt.timedelta(days=1))
            .select_related("space", "program", "closure")
            .annotate(
                booked=_count(bookings.filter(status=Booking.Status.CONFIRMED)),
                waitlisted=_count(bookings.filter(status=Booking.Status.WAITLISTED)),
                came=_count(Attendance.objects.filter(slot=OuterRef("pk"))),
                missed=_count(no_shows(bookings, now=self.now)),
            )
            .order_by("start", "pk")
        )
        for slot in slots:
            slot.label = slot_label(slot)
            slot.kind_label = SupportKind(kind_of(slot)).label
            slot.ended = slot.end <= self.now
        return self.render(
            self.template_name,
            {"slots": slots, "code_form": CodeForm()},
            title=_("Check-in: today"),
        )


class FindCodeView(StaffDeskView):
    """The "type the code" form: on to that booking's page, or back with a clear message."""

    def get(self, request):
        form = CodeForm(request.GET)
        if form.is_valid():
            return redirect("checkin_code", code=form.cleaned_data["code"])
        for error in form.errors.get("code", []):
            messages.error(request, error)
        return redirect("checkin_home")


# One booking, opened from its QR code ----------------------------------------------------------


class BookingCodeView(StaffDeskView):
    template_name = "attendance/checkin_code.html"

    def get(self, request, code):
        code = normalise_code(code)
        booking = (
            Booking.objects.select_related(
                "participant__school", "slot__space", "slot__program", "slot__closure", "attendance"
            )
            .filter(code=code)
            .first()
        )
        if booking is None:
            messages.error(request, _("No booking has the code %(code)s.") % {"code": code[:12]})
            return redirect("checkin_home")
        slot = booking.slot
        attendance = getattr(booking, "attendance", None)
        return self.render(
            self.template_name,
            {
                "booking": booking,
                "slot": slot,
                "slot_label": slot_label(slot),
                "attendance": attendance,
                "is_today": local_date(slot.start) == self.today,
                "needs_consent": booking.participant.needs_consent(self.today),
                "is_no_show": attendance is None
                and booking.status == Booking.Status.CONFIRMED
                and slot.end <= self.now,
            },
            title=_("Booking %(code)s") % {"code": booking.code},
            crumbs=[{"url": "", "label": booking.code}],
        )


# Came / didn't come ---------------------------------------------------------------------------


def back_to(request, booking: Booking):
    if request.POST.get("return_to") == "code":
        return redirect("checkin_code", code=booking.code)
    return redirect(f"{reverse('checkin_roster', args=[booking.slot_id])}#booking-{booking.pk}")


class CameView(StaffDeskView):
    def post(self, request, pk):
        booking = get_object_or_404(Booking.objects.select_related("participant", "slot"), pk=pk)
        name = booking.participant.nickname
        try:
            created = check_in(booking, now=self.now, by=request.user).created
        except BookingError as error:
            messages.error(request, f"{name}: {error.message}")
            return back_to(request, booking)
        if created:
            messages.success(request, _("%(name)s: came.") % {"name": name})
        else:
            messages.info(request, _("%(name)s is already checked in.") % {"name": name})
        return back_to(request, booking)


class NotCameView(StaffDeskView):
    def post(self, request, pk):
        booking = get_object_or_404(Booking.objects.select_related("participant", "slot"), pk=pk)
        name = booking.participant.nickname
        if undo_check_in(booking, now=self.now, by=request.user):
            messages.success(request, _("%(name)s: check-in undone.") % {"name": name})
        else:
            messages.info(request, _("%(name)s is not checked in.") % {"name": name})
        return back_to(request, booking)


# A slot's roster and its walk-ins --------------------------------------------------------------


class RosterView(StaffDeskView):
    """Fixed number of queries whatever the number of bookings (tests count them)."""

    template_name = "attendance/checkin_roster.html"

    def get_slot(self, pk) -> Slot:
        return get_object_or_404(Slot.objects.select_related("space", "program", "closure"), pk=pk)

    def get(self, request, pk):
        return self.render_roster(self.get_slot(pk), NewWalkInForm(prefix="new"))

    def render_roster(self, slot: Slot, new_form: NewWalkInForm):
        ended = slot.end <= self.now
        missed = (
            set(no_shows(slot.bookings.all(), now=self.now).values_list("pk", flat=True))
            if ended
            else set()
        )
        bookings = list(roster(slot))
        present = set()
        for booking in bookings:
            booking.came = getattr(booking, "attendance", None) is not None
            booking.no_show = booking.pk in missed
            booking.needs_consent = booking.participant.needs_consent(self.today)
            if booking.came:
                present.add(booking.participant_id)
        walk_ins = list(
            Attendance.objects.filter(slot=slot, booking__isnull=True)
            .select_related("participant__school")
            .order_by("recorded_at", "pk")
        )
        for attendance in walk_ins:
            attendance.needs_consent = attendance.participant.needs_consent(self.today)
            present.add(attendance.participant_id)

        search = WalkInSearchForm(self.request.GET or None)
        found = None
        if search.is_valid() and search.cleaned_data["q"].strip():
            q = search.cleaned_data["q"].strip()
            found = list(
                Participant.objects.filter(
                    Q(nickname__icontains=q) | Q(reference__icontains=q)
                ).select_related("school")[:SEARCH_LIMIT]
            )
            for participant in found:
                participant.present = participant.pk in present
                participant.needs = participant.needs_consent(self.today)

        label = slot_label(slot)
        return self.render(
            self.template_name,
            {
                "slot": slot,
                "slot_label": label,
                "kind_label": SupportKind(kind_of(slot)).label,
                "day": local_date(slot.start),
                "ended": ended,
                "bookings": bookings,
                "walk_ins": walk_ins,
                "came_count": len(present),
                "waitlisted": slot.bookings.filter(status=Booking.Status.WAITLISTED).count(),
                "search_form": search,
                "found": found,
                "search_limit": SEARCH_LIMIT,
                "new_form": new_form,
            },
            title=label,
            crumbs=[{"url": "", "label": label}],
        )


class WalkInView(StaffDeskView):
    """Register an existing participant who came without booking."""

    def post(self, request, pk):
        slot = get_object_or_404(Slot.objects.select_related("space", "program"), pk=pk)
        participant_id = request.POST.get("participant", "")
        participant = (
            Participant.objects.filter(pk=participant_id).first()
            if participant_id.isdigit()
            else None
        )
        if participant is None:
            messages.error(request, _("That participant was not found. Search again."))
            return redirect("checkin_roster", pk=slot.pk)
        name = participant.nickname
        try:
            created = register_walk_in(slot, participant, now=self.now, by=request.user).created
        except BookingError as error:
            if error.code == "already_attended":
                created = False
            else:
                messages.error(request, f"{name}: {error.message}")
                return redirect("checkin_roster", pk=slot.pk)
        if created:
            messages.success(request, _("%(name)s: came.") % {"name": name})
        else:
            messages.info(request, _("%(name)s is already checked in.") % {"name": name})
        return redirect("checkin_roster", pk=slot.pk)


class NewWalkInView(RosterView):
    """Someone new: create the participant (no account) and count the visit, or neither."""

    def post(self, request, pk):
        slot = self.get_slot(pk)
        form = NewWalkInForm(request.POST, prefix="new")
        if not form.is_valid():
            messages.error(request, _("Please check the new participant's details."))
            return self.render_roster(slot, form)
        data = form.cleaned_data
        try:
            participant = register_new_walk_in(
                slot,
                nickname=data["nickname"],
                school=data["school"],
                birth_year=data["birth_year"],
                now=self.now,
                by=request.user,
            )
        except BookingError as error:
            messages.error(request, error.message)
            return self.render_roster(slot, form)
        messages.success(
            request,
            _("%(name)s registered with reference %(reference)s, and came.")
            % {"name": participant.nickname, "reference": participant.reference},
        )
        return redirect("checkin_roster", pk=slot.pk)
