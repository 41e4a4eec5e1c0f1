"""Admin URLs of the check-in desk and the participant records, mounted under /admin/checkin/
by the `register_admin_urls` hook (so Wagtail's admin-access check runs first)."""

from django.urls import path

from . import records as record_views
from . import views as checkin_views

urlpatterns = [
    path("", checkin_views.CheckInHomeView.as_view(), name="checkin_home"),
    path("code/", checkin_views.FindCodeView.as_view(), name="checkin_find_code"),
    path("code/<str:code>/", checkin_views.BookingCodeView.as_view(), name="checkin_code"),
    path("booking/<int:pk>/came/", checkin_views.CameView.as_view(), name="checkin_came"),
    path(
        "booking/<int:pk>/didnt-come/",
        checkin_views.NotCameView.as_view(),
        name="checkin_not_came",
    ),
    path("slot/<int:pk>/", checkin_views.RosterView.as_view(), name="checkin_roster"),
    path("slot/<int:pk>/walk-in/", checkin_views.WalkInView.as_view(), name="checkin_walk_in"),
    path(
        "slot/<int:pk>/new-walk-in/",
        checkin_views.NewWalkInView.as_view(),
        name="checkin_new_walk_in",
    ),
    path("reach-out/", record_views.ReachOutView.as_view(), name="checkin_reach_out"),
    path(
        "participants/<int:pk>/",
        record_views.ParticipantRecordView.as_view(),
        name="checkin_participant",
    ),
    path(
        "participants/<int:pk>/consent/",
        record_views.ConsentView.as_view(),
        name="checkin_consent",
    ),
    path(
        "participants/<int:pk>/renew-feed/",
        record_views.RenewFeedView.as_view(),
        name="checkin_renew_feed",
    ),
    path(
        "participants/<int:pk>/outcome/",
        record_views.OutcomeView.as_view(),
        name="checkin_outcome",
    ),
]
