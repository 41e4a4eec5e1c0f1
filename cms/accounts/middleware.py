"""What a signed-in session must satisfy on the admin, where students' personal data is.

- A user without admin access who opens /admin/ goes to their own page. (Wagtail would send
  them to the login, and allauth's login sends a signed-in user straight back to `next`.)
- Whoever can see personal data (superusers, the Staff group, anyone with
  `booking.view_participant`, and outreach staff, leads and school liaisons) sets up an
  authenticator app before the admin opens; allauth then asks for its code at every login.
  Coordinators, Editors and the committee may set one up, and need not.
- A session with admin access ends after `STAFF_IDLE_TIMEOUT` seconds without a request.
  Students keep Django's long sessions.

docs/accounts.md explains the choices.
"""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

ADMIN_ACCESS = "wagtailadmin.access_admin"
PERSONAL_DATA = "booking.view_participant"
STAFF_GROUP = "Staff"

# Session keys: whether the session has admin access, and when it last made a request (Unix
# seconds). Only sessions with admin access carry them, so students' sessions are never written.
ADMIN_SESSION = "manabiba.admin_session"
LAST_SEEN = "manabiba.last_seen"
# The last-seen time is rewritten at most this often: not a session write per request.
LAST_SEEN_RESOLUTION = 60


# Outreach permissions that open a young person's records: requests, cases, notes and the
# referrals a school sent (the committee's and the coordinators' codes and counts do not).
OUTREACH_PERSONAL_DATA = (
    "outreach.handle_requests",
    "outreach.work_cases",
    "outreach.see_all_cases",
    "outreach.refer_students",
)


def must_use_second_factor(user) -> bool:
    return (
        user.is_superuser
        or user.has_perm(PERSONAL_DATA)
        # Imported spreadsheets name participants, row by row.
        or user.has_perm("attendance.import_attendance")
        or any(user.has_perm(permission) for permission in OUTREACH_PERSONAL_DATA)
        or user.groups.filter(name=STAFF_GROUP).exists()
    )


def has_authenticator_app(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def mark_admin_session(sender, request, user, **kwargs) -> None:
    """At login (allauth's or any other): a user with admin access gets the idle timeout."""
    if request is not None and hasattr(request, "session") and user.has_perm(ADMIN_ACCESS):
        request.session[ADMIN_SESSION] = True
        request.session[LAST_SEEN] = int(time.time())


def connect_signals() -> None:
    user_logged_in.connect(mark_admin_session, dispatch_uid="cms.accounts.mark_admin_session")


class StaffSessionMiddleware:
    """After authentication and messages (it reads the user and leaves a message)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.session.get(ADMIN_SESSION):
            response = self.end_idle_session(request)
            if response is not None:
                return response
        admin = reverse("wagtailadmin_home")
        if request.path.startswith(admin) and request.path != reverse("wagtailadmin_logout"):
            response = self.guard_admin(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def end_idle_session(self, request):
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN, now)
        if now - last_seen > settings.STAFF_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request,
                _(
                    "You were signed out after %(minutes)d minutes without activity, to "
                    "protect students' records. Please sign in again."
                )
                % {"minutes": settings.STAFF_IDLE_TIMEOUT // 60},
            )
            return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
        if now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN not in request.session:
            request.session[LAST_SEEN] = now
        return None

    def guard_admin(self, request, user):
        if not user.has_perm(ADMIN_ACCESS):
            messages.info(request, _("The admin is for staff. Here is your own page."))
            return redirect(settings.LOGIN_REDIRECT_URL)
        if not request.session.get(ADMIN_SESSION):
            # Admin access granted after this session began: the idle timeout applies from now.
            request.session[ADMIN_SESSION] = True
            request.session[LAST_SEEN] = int(time.time())
        if (
            settings.STAFF_MFA_REQUIRED
            and must_use_second_factor(user)
            and not has_authenticator_app(user)
        ):
            messages.warning(
                request,
                _(
                    "You can see students' personal data, so your account needs a second "
                    "step at login. Please set up an authenticator app on your phone: confirm "
                    "your password, scan the code shown, enter the six digits the app gives, "
                    "and keep the recovery codes somewhere safe. Then open the admin again."
                ),
            )
            return redirect("mfa_activate_totp")
        return None
