"""The staff inbox of consultation requests in the Wagtail admin: the list (by status, or
assigned to me), one request's page (the thread, the reply form, status, assignment, closing
the writer's link, opening a case), and a request written down from a call or a visit.

Only `access.requests_for(user)` is ever looked up: a request assigned to someone else is a
404 for staff who are not leads, so a page never confirms that a code exists. Every view of a
request and every change is audited by `outreach.services.requests`. The list shows no
message text: reading a request is opening it, and opening it is logged.
"""

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .. import access
from ..models import ConsultationRequest, RequestMessage
from ..services import requests as request_services
from ..services.errors import OutreachError
from .base import OutreachView
from .inbox_forms import (
    ALL,
    OPEN,
    InboxFilterForm,
    OpenCaseForm,
    RecordRequestForm,
    ReplyForm,
    RequestAssignForm,
    RequestStatusForm,
)

Request = ConsultationRequest


def request_url(consultation: ConsultationRequest, anchor: str = "") -> str:
    url = reverse("outreach_request", args=[consultation.code])
    return f"{url}#{anchor}" if anchor else url


def show_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class InboxView(OutreachView):
    permissions_any = (access.HANDLE_REQUESTS,)
    header_icon = "mail"

    def get_request(self, code: str) -> ConsultationRequest:
        return get_object_or_404(access.requests_for(self.request.user), code=code)

    def crumbs(self, *more):
        return [{"url": reverse("outreach_requests"), "label": _("Consultation requests")}, *more]


class InboxListView(InboxView):
    template_name = "outreach/admin/inbox.html"

    def get(self, request):
        user = request.user
        filters = InboxFilterForm(request.GET or None)
        status, mine = OPEN, False
        if filters.is_valid():
            status, mine = filters.cleaned_data["status"], filters.cleaned_data["mine"]
        last_author = (
            RequestMessage.objects.filter(request=OuterRef("pk"))
            .order_by("-sent_at", "-pk")
            .values("author")[:1]
        )
        rows = (
            access.requests_for(user)
            .select_related("assigned_to")
            .annotate(last_author=Subquery(last_author))
            .order_by("-received_at")
        )
        if status == OPEN:
            rows = rows.exclude(status=Request.Status.CLOSED)
        elif status != ALL:
            rows = rows.filter(status=status)
        if mine:
            rows = rows.filter(assigned_to=user)
        page = self.page_of(rows)
        topic_labels = dict(Request.Topic.choices)
        for row in page:
            row.topic_labels = [topic_labels.get(topic, topic) for topic in row.topics]
            # New, or the writer wrote last: someone should answer.
            row.waiting = row.status == Request.Status.NEW or (
                row.last_author == RequestMessage.Author.REQUESTER
            )
        return self.render(
            self.template_name,
            {
                "filters": filters,
                "page": page,
                "query": request.GET.copy(),
                "can_record": user.has_perm(access.HANDLE_REQUESTS),
            },
            title=_("Consultation requests"),
            crumbs=self.crumbs(),
        )


class RequestView(InboxView):
    template_name = "outreach/admin/inbox_detail.html"

    def get(self, request, code):
        return self.render_request(self.get_request(code))

    def render_request(self, consultation: ConsultationRequest, **forms):
        user = self.request.user
        consultation = Request.objects.select_related("assigned_to").get(pk=consultation.pk)
        request_services.view_request(consultation, by=user, now=self.now)
        case = getattr(consultation, "case", None)
        forms.setdefault("reply_form", ReplyForm())
        forms.setdefault("status_form", RequestStatusForm(initial={"status": consultation.status}))
        is_lead = access.is_lead(user)
        if is_lead:
            forms.setdefault(
                "assign_form", RequestAssignForm(initial={"user": consultation.assigned_to_id})
            )
        ReplyBy = Request.ReplyBy
        return self.render(
            self.template_name,
            {
                "consultation": consultation,
                "thread": request_services.thread(consultation),
                "topic_labels": [
                    label for value, label in Request.Topic.choices if value in consultation.topics
                ],
                "answered_on_page": consultation.page_open,
                "answered_by_mail": consultation.reply_by == ReplyBy.EMAIL and consultation.email,
                "answered_by_phone": consultation.reply_by == ReplyBy.PHONE,
                "is_lead": is_lead,
                "can_take": consultation.assigned_to_id is None and not is_lead,
                "can_give_back": consultation.assigned_to_id == user.pk and not is_lead,
                "case": case,
                "case_url": case_page_url(user, case),
                "can_open_case": case is None and user.has_perm(access.WORK_CASES),
                **forms,
            },
            title=_("Consultation request %(code)s") % {"code": consultation.code},
            crumbs=self.crumbs({"url": "", "label": consultation.code}),
        )


def case_page_url(user, case) -> str:
    """The case's page, when `user` may open it (and the case pages are installed)."""
    if case is None or not access.cases_for(user).filter(pk=case.pk).exists():
        return ""
    try:
        return reverse("outreach_case", args=[case.code])
    except NoReverseMatch:
        return ""


class ReplyView(RequestView):
    http_method_names = ["post"]

    def post(self, request, code):
        consultation = self.get_request(code)
        form = ReplyForm(request.POST)
        if not form.is_valid():
            return self.render_request(consultation, reply_form=form)
        try:
            request_services.reply(
                consultation, form.cleaned_data["body"], by=request.user, now=self.now
            )
        except OutreachError as error:
            form.add_error(None, error.message)
            return self.render_request(consultation, reply_form=form)
        messages.success(request, _("Reply sent."))
        return redirect(request_url(consultation, "thread"))


class StatusView(InboxView):
    def post(self, request, code):
        consultation = self.get_request(code)
        form = RequestStatusForm(request.POST)
        if form.is_valid():
            request_services.set_status(
                consultation, form.cleaned_data["status"], by=request.user, now=self.now
            )
            messages.success(request, _("Status saved."))
        else:
            show_errors(request, form)
        return redirect(request_url(consultation))


class AssignView(InboxView):
    """A lead assigns (or unassigns) anyone who keeps case records; other staff take an
    unassigned request (`take`) or give back their own (`give_back`)."""

    def post(self, request, code):
        consultation = self.get_request(code)
        user = request.user
        if "take" in request.POST:
            assignee = user
        elif "give_back" in request.POST:
            assignee = None
        else:
            form = RequestAssignForm(request.POST)
            if not form.is_valid():
                show_errors(request, form)
                return redirect(request_url(consultation))
            assignee = form.cleaned_data["user"]
        try:
            request_services.assign(consultation, assignee, by=user, now=self.now)
        except OutreachError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Assignment saved."))
        if not access.requests_for(user).filter(pk=consultation.pk).exists():
            return redirect("outreach_requests")  # given to someone else: no longer ours to see
        return redirect(request_url(consultation))


class RevokeLinkView(InboxView):
    """The writer's private page stops working for good (a link seen by someone else)."""

    def post(self, request, code):
        consultation = self.get_request(code)
        request_services.revoke_link(consultation, by=request.user, now=self.now)
        messages.success(request, _("The private page is closed; its link no longer works."))
        return redirect(request_url(consultation))


class OpenCaseView(InboxView):
    """The second click: a short form prefilled from the request, then the case. It needs
    both permissions: the request is looked up among the user's (`handle_requests`), and the
    case is opened by someone who keeps case records (`work_cases`)."""

    permissions_any = (access.WORK_CASES,)
    template_name = "outreach/admin/inbox_open_case.html"

    def get(self, request, code):
        consultation = self.get_request(code)
        request_services.view_request(consultation, by=request.user, now=self.now)
        initial = {
            "nickname": consultation.name,
            "found_via": request_services.found_via_for(consultation),
        }
        return self.show(consultation, OpenCaseForm(initial=initial))

    def post(self, request, code):
        consultation = self.get_request(code)
        form = OpenCaseForm(request.POST)
        if form.is_valid():
            try:
                case = request_services.open_case_from_request(
                    consultation, **form.cleaned_data, by=request.user, now=self.now
                )
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Case %(code)s opened.") % {"code": case.code})
                return redirect(case_page_url(request.user, case) or request_url(consultation))
        return self.show(consultation, form)

    def show(self, consultation, form):
        return self.render(
            self.template_name,
            {"consultation": consultation, "form": form},
            title=_("Open a case from %(code)s") % {"code": consultation.code},
            crumbs=self.crumbs(
                {"url": request_url(consultation), "label": consultation.code},
                {"url": "", "label": _("Open a case")},
            ),
        )


class RecordRequestView(InboxView):
    """A request that came by phone, a visit, a social-media message or a school."""

    template_name = "outreach/admin/inbox_record.html"

    def get(self, request):
        return self.show(RecordRequestForm(initial={"reply_by": Request.ReplyBy.PHONE}))

    def post(self, request):
        form = RecordRequestForm(request.POST)
        if not form.is_valid():
            return self.show(form)
        data = form.cleaned_data
        consultation, token = request_services.record_request(
            **form.request_fields(),
            channel=data["channel"],
            by=request.user,
            now=self.now,
        )
        messages.success(request, _("Request %(code)s written down.") % {"code": consultation.code})
        if data["reply_by"] == Request.ReplyBy.PAGE and token:
            # The only time this link can be shown: give it to the writer now.
            page_url = request.build_absolute_uri(reverse("soudan_page", args=[token]))
            response = self.render(
                "outreach/admin/inbox_link.html",
                {"consultation": consultation, "page_url": page_url},
                title=_("Request %(code)s: the private page's link") % {"code": consultation.code},
                crumbs=self.crumbs({"url": request_url(consultation), "label": consultation.code}),
            )
            add_never_cache_headers(response)
            response["Referrer-Policy"] = "no-referrer"
            return response
        return redirect(request_url(consultation))

    def show(self, form):
        return self.render(
            self.template_name,
            {"form": form},
            title=_("Write down a request"),
            crumbs=self.crumbs({"url": "", "label": _("Write down a request")}),
        )


urlpatterns = [
    path("", InboxListView.as_view(), name="outreach_requests"),
    path("new/", RecordRequestView.as_view(), name="outreach_request_new"),
    path("<str:code>/", RequestView.as_view(), name="outreach_request"),
    path("<str:code>/reply/", ReplyView.as_view(), name="outreach_request_reply"),
    path("<str:code>/status/", StatusView.as_view(), name="outreach_request_status"),
    path("<str:code>/assign/", AssignView.as_view(), name="outreach_request_assign"),
    path("<str:code>/revoke/", RevokeLinkView.as_view(), name="outreach_request_revoke"),
    path("<str:code>/case/", OpenCaseView.as_view(), name="outreach_request_case"),
]
