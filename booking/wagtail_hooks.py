"""Admin wiring for booking: study spaces with their opening hours (a snippet), closures and
participants. The views live in `booking.admin.views`."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin.views import (
    ClosurePermissionPolicy,
    ClosureViewSet,
    ParticipantViewSet,
    StudySpaceViewSet,
    apply_hours_after_save,
)
from .models import Closure

register_permission_policy(Closure, ClosurePermissionPolicy(Closure))
register_snippet(StudySpaceViewSet)

hooks.register("after_create_snippet", apply_hours_after_save)
hooks.register("after_edit_snippet", apply_hours_after_save)


@hooks.register("register_admin_viewset")
def register_closure_viewset():
    return ClosureViewSet()


@hooks.register("register_admin_viewset")
def register_participant_viewset():
    return ParticipantViewSet()
