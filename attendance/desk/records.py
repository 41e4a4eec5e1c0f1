"""A participant's record for staff: attendance history, guardian consent, yearly outcomes;
and the early-warning list of people who stopped coming.

Names are shown here, so only Staff (view_participant) reach these pages; Coordinators never
do. Every view and change of a record is written to Wagtail's audit log, by the services.
"""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from attendance.models import Outcome
from attendance.services.checkin import (
    ABSENT_DAYS,
    REGULAR_MIN_VISITS,
    REGULAR_WINDOW_DAYS,
    participants_to_reach_out,
    record_consent,
    record_outcome,
)
from booking.models import Participant, Slot
from booking.services.participants import renew_feed_token, view_participant_record
from core.time import fiscal_year_of

from .forms import ConsentForm, OutcomeForm
from .views import StaffDeskView

HISTORY_LIMIT = 100


def record_url(participant, year=None) -> str:
    url = reverse("checkin_participant", args=[participant.pk])
    return f"{url}?year={year}" if year else url


class ParticipantRecordView(StaffDeskView):
    permissions_required = ("booking.view_participant",)
    template_name = "attendance/participant_record.html"

    def get(self, request, pk):
        participant = get_object_or_404(
            Participant.objects.select_related("school", "guardian_consent_recorded_by", "user"),
            pk=pk,
        )
        this_year = fiscal_year_of(self.today)
        year = self.chosen_year(this_year)
        outcomes = {o.fiscal_year: o for o in participant.outcomes.order_by("-fiscal_year")}
        outcome_form = OutcomeForm(
            instance=outcomes.get(year) or Outcome(participant=participant, fiscal_year=year),
            initial={"fiscal_year": year},
            latest_fiscal_year=this_year,
        )
        history = list(
            participant.attendances.select_related(
                "slot__space", "slot__program", "school"
            ).order_by("-date", "-recorded_at")[:HISTORY_LIMIT]
        )
        per_year = list(
            participant.attendances.order_by("-fiscal_year")
            .values("fiscal_year")
            .annotate(visits=Count("pk"))
        )
        view_participant_record(participant, by=request.user, now=self.now)
        user = request.user
        return self.render(
            self.template_name,
            {
                "participant": participant,
                "needs_consent": participant.needs_consent(self.today),
                "consent_form": ConsentForm(initial={"received_on": self.today}),
                "can_record_consent": user.has_perm("booking.change_participant"),
                "outcome_form": outcome_form,
                "can_record_outcome": user.has_perms(
                    ["attendance.add_outcome", "attendance.change_outcome"]
                ),
                "year": year,
                "years": sorted({this_year, this_year - 1, this_year - 2, *outcomes}, reverse=True),
                "outcomes": list(outcomes.values()),
                "outcome_flags": [Outcome._meta.get_field(f) for f in Outcome.FLAGS],
                "history": history,
                "history_limit": HISTORY_LIMIT,
                "per_year": per_year,
                "history_url": reverse("booking_participant:history", args=[participant.pk]),
                "edit_url": reverse("booking_participant:edit", args=[participant.pk]),
            },
            title=participant.nickname,
            crumbs=[
                {"url": reverse("booking_participant:index"), "label": _("Participants")},
                {"url": "", "label": participant.nickname},
            ],
        )

    def chosen_year(self, this_year: int) -> int:
        raw = self.request.GET.get("year", "")
        if raw.isdigit() and 2000 <= int(raw) <= this_year:
            return int(raw)
        return this_year


class ConsentView(StaffDeskView):
    """Record the guardian's consent form; who recorded it is the signed-in staff member."""

    permissions_required = ("booking.change_participant",)

    def post(self, request, pk):
        participant = get_object_or_404(Participant, pk=pk)
        form = ConsentForm(request.POST)
        slot = self.return_slot()
        if form.is_valid():
            day = form.cleaned_data["received_on"]
            record_consent(participant, received_on=day, now=self.now, by=request.user)
            messages.success(
                request,
                _("Guardian consent of %(name)s recorded (%(date)s).")
                % {"name": participant.nickname, "date": f"{day:%Y-%m-%d}"},
            )
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        if slot is not None:
            return redirect(f"{reverse('checkin_roster', args=[slot.pk])}#participant-{pk}")
        return redirect(record_url(participant))

    def return_slot(self):
        raw = self.request.POST.get("slot", "")
        return Slot.objects.filter(pk=raw).first() if raw.isdigit() else None


class RenewFeedView(StaffDeskView):
    """A student asks at the desk for a new private calendar address (a lost phone, an address
    shared by mistake): the old one stops working at once."""

    permissions_required = ("booking.change_participant",)

    def post(self, request, pk):
        participant = get_object_or_404(Participant, pk=pk)
        renew_feed_token(participant, by=request.user, now=self.now)
        messages.success(
            request,
            _("%(name)s has a new calendar address; the old one no longer works.")
            % {"name": participant.nickname},
        )
        return redirect(record_url(participant))


class OutcomeView(StaffDeskView):
    permissions_required = ("attendance.add_outcome", "attendance.change_outcome")

    def post(self, request, pk):
        participant = get_object_or_404(Participant, pk=pk)
        form = OutcomeForm(request.POST, latest_fiscal_year=fiscal_year_of(self.today))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(record_url(participant))
        year = form.cleaned_data["fiscal_year"]
        flags = {flag: form.cleaned_data[flag] for flag in Outcome.FLAGS}
        record_outcome(participant, year, now=self.now, by=request.user, **flags)
        messages.success(
            request,
            _("Outcomes of %(name)s for fiscal year %(year)s saved.")
            % {"name": participant.nickname, "year": year},
        )
        return redirect(record_url(participant, year))


class ReachOutView(StaffDeskView):
    """People who came regularly and stopped: someone may want to get in touch, kindly."""

    permissions_required = ("booking.view_participant",)
    template_name = "attendance/reach_out.html"

    def get(self, request):
        return self.render(
            self.template_name,
            {
                "participants": list(participants_to_reach_out(now=self.now)),
                "min_visits": REGULAR_MIN_VISITS,
                "weeks": REGULAR_WINDOW_DAYS // 7,
                "absent_weeks": ABSENT_DAYS // 7,
            },
            title=_("Reach out"),
            crumbs=[{"url": "", "label": _("Reach out")}],
        )
