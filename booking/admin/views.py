"""Staff admin views: study spaces (opening hours), closures and participants.

The views stay thin: opening hours are applied by `booking.services.opening_hours`, closures
are made and lifted by `booking.services.close` / `reopen`, walk-ins are registered by
`booking.services.participants.register_participant`. The services write the audit log.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet

from booking import services
from booking.models import Closure, Participant, StudySpace
from booking.services.opening_hours import apply_opening_hours
from booking.services.participants import register_participant, view_participant_record

from .forms import CloseForm, ClosureTextForm, ParticipantForm


def opening_hours_message(counts: dict) -> str:
    return (
        _(
            "Opening hours applied: %(created)s new slots, %(updated)s updated, "
            "%(deleted)s unbooked slots removed, %(cancelled)s booked slots cancelled "
            "(their people were told)."
        )
        % counts
    )


def apply_hours_after_save(request, instance):
    """The after_create_snippet / after_edit_snippet hook: bring the slots in line with the
    opening hours the form just saved. Runs after the form's transaction has committed."""
    if not isinstance(instance, StudySpace):
        return None
    counts = apply_opening_hours(instance, now=timezone.now())
    messages.info(request, opening_hours_message(counts))
    return None


class ProtectedDeleteMixin:
    """Things that bookings point to cannot be deleted: say so instead of failing."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("%(object)s cannot be deleted because bookings refer to it.")
                % {"object": self.object},
            )
            return HttpResponseRedirect(self.get_success_url())


class StudySpaceDeleteView(ProtectedDeleteMixin, SnippetDeleteView):
    pass


class OpeningHoursColumn(Column):
    def get_value(self, instance):
        return " / ".join(str(hours) for hours in instance.opening_hours.all())


class StudySpaceViewSet(SnippetViewSet):
    model = StudySpace
    icon = "date"
    menu_label = gettext_lazy("Study spaces")
    menu_order = 100
    add_to_admin_menu = True
    delete_view_class = StudySpaceDeleteView
    list_display = [
        "name",
        "place",
        "capacity",
        OpeningHoursColumn("opening_hours", label=gettext_lazy("Opening hours")),
    ]
    search_fields = ["name", "place"]

    def get_queryset(self, request):
        return StudySpace.objects.prefetch_related("opening_hours")


# Closures ------------------------------------------------------------------------------------


class ClosurePermissionPolicy(ModelPermissionPolicy):
    """Nobody deletes a closure: deleting would silently reopen its slots and lose the record
    of who was told what. Staff reopen a closure instead."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class CloseView(generic.CreateView):
    """Create a closure through the service, which cancels and tells the affected bookings."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except services.BookingError as error:  # "busy": its slots were locked for too long
            self.produced_error_code, self.produced_error_message = error.code, error.message
            return self.form_invalid(form)

    def save_instance(self):
        data = self.form.cleaned_data
        closure = services.close(
            data["space"] or data["program"],
            first_day=data["first_day"],
            last_day=data["last_day"],
            reason=data["reason"],
            online_alternative=data["online_alternative"],
            now=timezone.now(),
            by=self.request.user,
        )
        return closure

    def get_success_message(self, instance):
        return ngettext(
            "%(target)s is closed from %(first)s to %(last)s. %(count)s booking was cancelled "
            "and its participant told.",
            "%(target)s is closed from %(first)s to %(last)s. %(count)s bookings were cancelled "
            "and their participants told.",
            instance.affected_bookings,
        ) % {
            "target": instance.target,
            "first": instance.first_day,
            "last": instance.last_day,
            "count": instance.affected_bookings,
        }


class ClosureStateColumn(StatusTagColumn):
    def get_value(self, instance):
        if instance.reopened_at:
            return _("Reopened %(date)s") % {
                "date": timezone.localtime(instance.reopened_at).strftime("%Y-%m-%d %H:%M")
            }
        return _("Closed")

    def get_primary(self, instance):
        return instance.reopened_at is None


class ClosureIndexView(generic.IndexView):
    add_item_label = gettext_lazy("Close a space or programme")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("space", "program")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.reopened_at is None and self.user_has_permission("change"):
            buttons.append(
                ListingButton(
                    _("Reopen"),
                    url=reverse("booking_closure:reopen", args=[instance.pk]),
                    icon_name="undo",
                    priority=5,
                )
            )
        return buttons


class ReopenView(View):
    """GET asks for confirmation, POST reopens through `services.reopen`."""

    template_name = "booking/admin/closure_reopen.html"

    def dispatch(self, request, pk):
        if not policy_registry.get_by_type(Closure).user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.closure = get_object_or_404(Closure.objects.select_related("space", "program"), pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return TemplateResponse(
            request,
            self.template_name,
            {
                "closure": self.closure,
                "header_title": _("Reopen"),
                "page_title": _("Reopen"),
                "header_icon": "undo",
                "breadcrumbs_items": [
                    {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                    {"url": reverse("booking_closure:index"), "label": _("Closures")},
                    {"url": "", "label": _("Reopen")},
                ],
            },
        )

    def post(self, request, pk):
        if self.closure.reopened_at is not None:
            messages.warning(request, _("This closure was already reopened."))
        else:
            try:
                services.reopen(self.closure, now=timezone.now(), by=request.user)
            except services.BookingError as error:  # "busy"
                messages.error(request, error.message)
                return redirect("booking_closure:index")
            messages.success(
                request,
                _(
                    "%(target)s is open again. Bookings cancelled by the closure stay cancelled; "
                    "their participants may book again."
                )
                % {"target": self.closure.target},
            )
        return redirect("booking_closure:index")


class ClosureViewSet(ModelViewSet):
    model = Closure
    name = "closures"
    url_namespace = "booking_closure"
    icon = "warning"
    menu_label = gettext_lazy("Closures")
    menu_order = 110
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = ClosureIndexView
    add_view_class = CloseView
    list_display = [
        "reason",
        Column("target", label=gettext_lazy("Space or programme")),
        "first_day",
        "last_day",
        ClosureStateColumn("reopened_at", label=gettext_lazy("State")),
    ]

    def get_form_class(self, for_update=False):
        return ClosureTextForm if for_update else CloseForm

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("reopen/<int:pk>/", ReopenView.as_view(), name="reopen"),
        ]


# Participants --------------------------------------------------------------------------------


class ParticipantCreateView(generic.CreateView):
    """Register a walk-in: no account, a reference from the service."""

    def save_instance(self):
        data = self.form.cleaned_data
        return register_participant(
            nickname=data["nickname"],
            school=data["school"],
            birth_year=data["birth_year"],
            contact_email=data["contact_email"],
            language=data["language"],
            by=self.request.user,
            now=timezone.now(),
        )

    def get_success_message(self, instance):
        return _("Participant %(name)s registered with reference %(reference)s.") % {
            "name": instance.nickname,
            "reference": instance.reference,
        }


class ParticipantIndexView(generic.IndexView):
    add_item_label = gettext_lazy("Register a walk-in")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingButton(
                _("Attendance, consent and outcomes"),
                url=reverse("checkin_participant", args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            )
        )
        return buttons


class ParticipantEditView(generic.EditView):
    """Opening the form shows the record: the audit log says who looked (the save is logged
    as "wagtail.edit" by Wagtail itself)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        view_participant_record(self.object, by=request.user, now=timezone.now())
        return response


class ParticipantDeleteView(ProtectedDeleteMixin, generic.DeleteView):
    pass


class AccountColumn(Column):
    def get_value(self, instance):
        return _("Account") if instance.user_id else _("Walk-in")


class ParticipantViewSet(ModelViewSet):
    """Names of students: Staff only. Coordinators see aggregates elsewhere, never this."""

    model = Participant
    name = "participants"
    url_namespace = "booking_participant"
    icon = "group"
    menu_label = gettext_lazy("Participants")
    menu_order = 120
    add_to_admin_menu = True
    copy_view_enabled = False
    form_fields = ["nickname", "school", "birth_year", "contact_email", "language"]
    index_view_class = ParticipantIndexView
    add_view_class = ParticipantCreateView
    edit_view_class = ParticipantEditView
    delete_view_class = ParticipantDeleteView
    search_fields = ["nickname", "reference", "contact_email"]
    list_display = [
        "nickname",
        "reference",
        "school",
        "birth_year",
        AccountColumn("user", label=gettext_lazy("Kind")),
    ]
    list_filter = ["school"]

    def get_form_class(self, for_update=False):
        return ParticipantForm
