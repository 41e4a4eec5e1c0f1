"""Staff admin views: study spaces (opening hours) and participants; the editor's message
after a programme is published. Closures are in `booking.admin.closures`.

The views stay thin: opening hours are previewed and applied by
`booking.services.opening_hours`, walk-ins are registered by
`booking.services.participants.register_participant`. The services write the audit log.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import SnippetViewSet

from booking.models import Participant, StudySpace
from booking.services.errors import BookingError
from booking.services.opening_hours import apply_opening_hours, preview_opening_hours
from booking.services.participants import register_participant, view_participant_record
from booking.signals import take_report
from programs.models import ProgramPage

from . import confirm
from .forms import ParticipantForm
from .messages import opening_hours_message, program_changes_message


def apply_hours_after_save(request, instance):
    """The after_create_snippet / after_edit_snippet hook: bring the slots in line with the
    opening hours the form just saved, and say exactly what that did. Runs after the form's
    transaction has committed."""
    if not isinstance(instance, StudySpace):
        return None
    try:
        changes = apply_opening_hours(instance, now=timezone.now())
    except BookingError as error:  # "busy": the slots follow at the next generate_slots run
        messages.error(request, error.message)
        return None
    messages.info(request, opening_hours_message(changes))
    return None


def report_program_changes(request, page):
    """The after_publish_page hook: what publishing did to the programme's bookings."""
    report = take_report(page.pk) if isinstance(page, ProgramPage) else None
    text = program_changes_message(report) if report else ""
    if text:
        messages.info(request, text)


class StudySpaceEditView(SnippetEditView):
    """Saving opening hours that would move or cancel booked times first shows those times,
    with their bookings and mails counted (`preview_opening_hours`), and saves once
    confirmed. A change that touches no booking saves at once."""

    preview_template_name = "booking/admin/opening_hours_preview.html"

    def form_valid(self, form):
        if confirm.going_back(self.request):
            return self.render_to_response(self.get_context_data(form=form))
        if not confirm.confirmed(self.request) and not self.expects_json_response:
            affected = preview_opening_hours(
                form.instance, proposed_hours(form), now=timezone.now()
            )
            if affected:
                return confirm.preview_response(
                    self.request,
                    self.preview_template_name,
                    {
                        "space": form.instance,
                        "affected": affected,
                        "bookings": sum(a.bookings for a in affected),
                        "mails": sum(a.reachable for a in affected),
                        "unreachable": sum(a.bookings - a.reachable for a in affected),
                        "confirm_label": _("Save and tell the people booked"),
                    },
                    title=_("Check before saving the opening hours"),
                    crumbs=[{"url": self.get_success_url(), "label": _("Study spaces")}],
                )
        return super().form_valid(form)


def proposed_hours(form) -> list:
    """The opening hours as the form would save them (its instances, unsaved): the rows kept
    or added, without the ones marked for deletion and the empty extra forms."""
    formset = form.formsets["opening_hours"]
    deleted = set(formset.deleted_forms)
    return [
        f.instance for f in formset.forms if f not in deleted and (f.instance.pk or f.has_changed())
    ]


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
    edit_view_class = StudySpaceEditView
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
