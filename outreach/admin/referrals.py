"""Referrals in the admin. A school liaison refers a student of their own school and follows
their school's referrals by code, date and status (support started or ended: nothing of the
case itself). A lead sees every referral and accepts or declines it.

Only `access.referrals_for(user)` is looked up: another school's referral is a 404. Every view
of a referral's page is audited (`outreach.services.referrals.view_referral`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import School

from .. import access
from ..models import Referral
from ..services.errors import OutreachError
from ..services.referrals import accept_referral, decline_referral, refer, view_referral
from .base import OutreachView
from .forms import ReferralForm


class ReferralWorkView(OutreachView):
    permissions_any = (access.REFER, access.SEE_ALL)
    header_icon = "mail"

    def dispatch(self, request, *args, **kwargs):
        self.school_id = access.liaison_school_id(request.user)
        self.is_lead = access.is_lead(request.user)
        return super().dispatch(request, *args, **kwargs)

    def crumbs(self, *more):
        return [{"url": reverse("outreach_referrals"), "label": _("Referrals")}, *more]


class ReferralListView(ReferralWorkView):
    template_name = "outreach/admin/referral_list.html"

    def get(self, request):
        return self.show(ReferralForm() if self.school_id else None)

    def post(self, request):
        if self.school_id is None:
            raise PermissionDenied
        form = ReferralForm(request.POST)
        if form.is_valid():
            try:
                referral = refer(
                    school=School.objects.get(pk=self.school_id),
                    **form.cleaned_data,
                    by=request.user,
                    now=self.now,
                )
            except OutreachError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Referral %(code)s sent to the centre. Its status will show here: "
                        "support started, not taken up or support ended."
                    )
                    % {"code": referral.code},
                )
                return redirect("outreach_referrals")
        return self.show(form)

    def show(self, form):
        referrals = access.referrals_for(self.request.user).order_by("-referred_at", "pk")
        if self.is_lead:
            referrals = referrals.select_related("school", "case")
        school = School.objects.filter(pk=self.school_id).first() if self.school_id else None
        return self.render(
            self.template_name,
            {
                "form": form,
                "school": school,
                "page": self.page_of(referrals),
                "is_lead": self.is_lead,
                "no_school": self.school_id is None and not self.is_lead,
            },
            title=_("Referrals"),
            crumbs=self.crumbs(),
        )


class ReferralView(ReferralWorkView):
    template_name = "outreach/admin/referral_detail.html"

    def get_referral(self, code: str) -> Referral:
        return get_object_or_404(
            access.referrals_for(self.request.user).select_related("school", "case"), code=code
        )

    def get(self, request, code):
        referral = view_referral(self.get_referral(code), by=request.user, now=self.now)
        return self.render(
            self.template_name,
            {
                "referral": referral,
                "is_lead": self.is_lead,
                "is_open": referral.status == Referral.Status.SENT,
                "case_url": reverse("outreach_case", args=[referral.case.code])
                if self.is_lead and referral.case_id
                else "",
            },
            title=_("Referral %(code)s") % {"code": referral.code},
            crumbs=self.crumbs({"url": "", "label": referral.code}),
        )


class AnswerReferralView(ReferralView):
    """Accept or decline: leads only."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not access.is_lead(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AcceptReferralView(AnswerReferralView):
    def post(self, request, code):
        referral = self.get_referral(code)
        try:
            case = accept_referral(referral, by=request.user, now=self.now)
        except OutreachError as error:
            messages.error(request, error.message)
            return redirect("outreach_referral", code=referral.code)
        messages.success(
            request,
            _("Referral %(referral)s accepted: case %(case)s opened.")
            % {"referral": referral.code, "case": case.code},
        )
        return redirect("outreach_case", code=case.code)


class DeclineReferralView(AnswerReferralView):
    def post(self, request, code):
        referral = self.get_referral(code)
        try:
            decline_referral(referral, by=request.user, now=self.now)
        except OutreachError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Referral %(code)s declined.") % {"code": referral.code})
        return redirect("outreach_referral", code=referral.code)
