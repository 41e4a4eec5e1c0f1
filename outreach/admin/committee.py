"""The committee's review in the admin: the plans due for review, the meetings with their
agenda, minutes and the cases reviewed, and their exports.

The committee and the coordinators (`outreach.review_cases`) see case codes and status only:
everything shown here comes from `outreach.services.committee`, whose rows hold no name,
school, contact or note. Leads (`outreach.minute_meetings`) write the meetings."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Site

from .. import access
from ..models import Case, CommitteeMeeting
from ..services import committee as services
from ..services.errors import OutreachError
from .base import OutreachView, csv_response
from .forms import MeetingForm


def review_headings() -> list[str]:
    return [
        _("Case"),
        _("Situation"),
        _("Status"),
        _("Plan revision"),
        _("Review by"),
        _("Responsible"),
    ]


def review_cells(row: services.ReviewRow) -> list:
    return [
        row.code,
        row.situation_label,
        row.status_label,
        row.revision,
        row.review_on,
        " / ".join(row.responsible_labels),
    ]


class ReviewWorkView(OutreachView):
    permissions_any = (access.REVIEW,)
    header_icon = "tasks"

    def crumbs(self, *more):
        return [{"url": reverse("outreach_review"), "label": _("Committee review")}, *more]

    def get_meeting(self, pk) -> CommitteeMeeting:
        return get_object_or_404(CommitteeMeeting, pk=pk)


class ReviewView(ReviewWorkView):
    template_name = "outreach/admin/committee_review.html"

    def get(self, request):
        user = request.user
        return self.render(
            self.template_name,
            {
                "rows": services.review_list(today=self.today),
                "window": services.REVIEW_WINDOW_DAYS,
                "meetings": self.page_of(
                    CommitteeMeeting.objects.annotate(reviewed=Count("cases")).order_by(
                        "-held_on", "-pk"
                    )
                ),
                "can_minute": user.has_perm(access.MINUTES),
                "can_open_cases": access.is_lead(user),
            },
            title=_("Committee review"),
            crumbs=self.crumbs(),
        )


class ReviewExportView(ReviewWorkView):
    def get(self, request):
        rows = services.export_review_list(
            today=self.today, by=request.user, now=self.now, target=Site.find_for_request(request)
        )
        return csv_response(
            f"outreach-review-{self.today:%Y%m%d}",
            [review_headings(), *(review_cells(row) for row in rows)],
        )


class MeetingView(ReviewWorkView):
    template_name = "outreach/admin/committee_meeting.html"

    def get(self, request, pk):
        meeting = self.get_meeting(pk)
        return self.render(
            self.template_name,
            {
                "meeting": meeting,
                "rows": services.meeting_rows(meeting),
                "can_minute": request.user.has_perm(access.MINUTES),
                "can_open_cases": access.is_lead(request.user),
            },
            title=_("Committee meeting %(date)s") % {"date": f"{meeting.held_on:%Y-%m-%d}"},
            crumbs=self.crumbs({"url": "", "label": f"{meeting.held_on:%Y-%m-%d}"}),
        )


class MeetingExportView(ReviewWorkView):
    def get(self, request, pk):
        meeting = self.get_meeting(pk)
        rows = services.export_meeting(meeting, by=request.user, now=self.now)
        return csv_response(
            f"outreach-meeting-{meeting.held_on:%Y%m%d}",
            [
                [_("Date"), meeting.held_on],
                [_("Agenda"), meeting.agenda],
                [_("Minutes"), meeting.minutes],
                [],
                review_headings(),
                *(review_cells(row) for row in rows),
            ],
        )


class MeetingFormView(ReviewWorkView):
    """Write a meeting (no pk) or change one: leads only."""

    permissions_any = (access.MINUTES,)
    template_name = "outreach/admin/committee_meeting_form.html"

    def get(self, request, pk=None):
        meeting = self.get_meeting(pk) if pk else None
        if meeting:
            initial = {
                "held_on": meeting.held_on,
                "agenda": meeting.agenda,
                "minutes": meeting.minutes,
                "cases": list(meeting.cases.all()),
            }
        else:
            due = {row.code for row in services.review_list(today=self.today)}
            initial = {"held_on": self.today, "cases": list(Case.objects.filter(code__in=due))}
        return self.show(MeetingForm(initial=initial, meeting=meeting), meeting)

    def post(self, request, pk=None):
        meeting = self.get_meeting(pk) if pk else None
        form = MeetingForm(request.POST, meeting=meeting)
        if form.is_valid():
            fields = {**form.cleaned_data, "by": request.user, "now": self.now}
            try:
                if meeting:
                    meeting = services.update_meeting(meeting, **fields)
                else:
                    meeting = services.record_meeting(**fields)
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Committee meeting of %(date)s saved.")
                    % {"date": f"{meeting.held_on:%Y-%m-%d}"},
                )
                return redirect("outreach_meeting", pk=meeting.pk)
        return self.show(form, meeting)

    def show(self, form, meeting):
        if meeting:
            title = _("Edit the meeting of %(date)s") % {"date": f"{meeting.held_on:%Y-%m-%d}"}
            crumb = {
                "url": reverse("outreach_meeting", args=[meeting.pk]),
                "label": f"{meeting.held_on:%Y-%m-%d}",
            }
            crumbs = self.crumbs(crumb, {"url": "", "label": _("Edit the meeting")})
        else:
            title = _("New committee meeting")
            crumbs = self.crumbs({"url": "", "label": title})
        return self.render(
            self.template_name, {"form": form, "meeting": meeting}, title=title, crumbs=crumbs
        )
