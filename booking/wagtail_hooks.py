"""Admin wiring for booking: study spaces with their opening hours (a snippet), closures and
participants, and the editor's message after a programme is published. The views live in
`booking.admin` (`views`, `closures`)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from core import audit

from .admin.closures import ClosurePermissionPolicy, ClosureViewSet
from .admin.views import (
    ParticipantViewSet,
    StudySpaceViewSet,
    apply_hours_after_save,
    report_program_changes,
)
from .models import Closure
from .services.programs import LOG_ACTIONS

register_permission_policy(Closure, ClosurePermissionPolicy(Closure))
register_snippet(StudySpaceViewSet)

hooks.register("after_create_snippet", apply_hours_after_save)
hooks.register("after_edit_snippet", apply_hours_after_save)
hooks.register("after_publish_page", report_program_changes)


@hooks.register("register_log_actions")
def register_booking_log_actions(actions):
    audit.register_actions(actions, LOG_ACTIONS)


@hooks.register("register_admin_viewset")
def register_closure_viewset():
    return ClosureViewSet()


@hooks.register("register_admin_viewset")
def register_participant_viewset():
    return ParticipantViewSet()
