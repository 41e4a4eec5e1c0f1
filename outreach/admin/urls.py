"""Admin URLs of cases, referrals and the committee's review, mounted under /admin/outreach/
by the `register_admin_urls` hook (so Wagtail's admin-access check runs first)."""

from django.urls import path

from . import case_changes, cases, committee, referrals

urlpatterns = [
    path("cases/", cases.CaseListView.as_view(), name="outreach_cases"),
    path("cases/new/", cases.NewCaseView.as_view(), name="outreach_case_new"),
    path("cases/export/", cases.CaseExportView.as_view(), name="outreach_cases_export"),
    path("cases/<str:code>/", cases.CaseView.as_view(), name="outreach_case"),
    path(
        "cases/<str:code>/consent/",
        case_changes.ConsentView.as_view(),
        name="outreach_case_consent",
    ),
    path(
        "cases/<str:code>/status/", case_changes.StatusView.as_view(), name="outreach_case_status"
    ),
    path(
        "cases/<str:code>/next-action/",
        case_changes.NextActionView.as_view(),
        name="outreach_case_next_action",
    ),
    path("cases/<str:code>/staff/", case_changes.AssignView.as_view(), name="outreach_case_assign"),
    path(
        "cases/<str:code>/staff/<int:user_id>/remove/",
        case_changes.UnassignView.as_view(),
        name="outreach_case_unassign",
    ),
    path(
        "cases/<str:code>/contacts/",
        case_changes.ContactView.as_view(),
        name="outreach_case_contact",
    ),
    path("cases/<str:code>/plan/", case_changes.PlanView.as_view(), name="outreach_case_plan"),
    path("referrals/", referrals.ReferralListView.as_view(), name="outreach_referrals"),
    path("referrals/<str:code>/", referrals.ReferralView.as_view(), name="outreach_referral"),
    path(
        "referrals/<str:code>/accept/",
        referrals.AcceptReferralView.as_view(),
        name="outreach_referral_accept",
    ),
    path(
        "referrals/<str:code>/decline/",
        referrals.DeclineReferralView.as_view(),
        name="outreach_referral_decline",
    ),
    path("review/", committee.ReviewView.as_view(), name="outreach_review"),
    path("review/export/", committee.ReviewExportView.as_view(), name="outreach_review_export"),
    path("review/meetings/new/", committee.MeetingFormView.as_view(), name="outreach_meeting_new"),
    path("review/meetings/<int:pk>/", committee.MeetingView.as_view(), name="outreach_meeting"),
    path(
        "review/meetings/<int:pk>/edit/",
        committee.MeetingFormView.as_view(),
        name="outreach_meeting_edit",
    ),
    path(
        "review/meetings/<int:pk>/export/",
        committee.MeetingExportView.as_view(),
        name="outreach_meeting_export",
    ),
]
