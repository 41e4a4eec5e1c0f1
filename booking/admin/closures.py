"""Staff close a space or a programme for a date range, see the closures and reopen them.

Closing shows first what it would do (the slots, the bookings cancelled, the people and the
mails: `services.closure_effect`), then closes on confirmation (`services.close`). Reopening
asks whether the bookings the closure cancelled come back (`services.reopen_effect`,
`services.reopen(restore=...)`). The messages state what was done (`booking.admin.messages`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry

from booking import services
from booking.models import Closure
from booking.services.closures import closure_effect, reopen_effect

from . import confirm
from .forms import CloseForm, ClosureTextForm
from .messages import closed_message, reopened_message


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
    """Create a closure through the service, which cancels and tells the affected bookings;
    a valid form first shows what closing would do, and closes once confirmed."""

    preview_template_name = "booking/admin/closure_preview.html"

    def form_valid(self, form):
        if confirm.going_back(self.request):
            return self.render_to_response(self.get_context_data(form=form))
        if not confirm.confirmed(self.request):
            return self.preview(form.cleaned_data)
        try:
            return super().form_valid(form)
        except services.BookingError as error:  # "busy": its slots were locked for too long
            self.produced_error_code, self.produced_error_message = error.code, error.message
            return self.form_invalid(form)

    def preview(self, data):
        target = data["space"] or data["program"]
        effect = closure_effect(
            target, first_day=data["first_day"], last_day=data["last_day"], now=timezone.now()
        )
        return confirm.preview_response(
            self.request,
            self.preview_template_name,
            {
                "target": target,
                "data": data,
                "effect": effect,
                "confirm_label": _("Close and tell the people booked"),
            },
            title=_("Check before closing"),
            crumbs=[{"url": reverse("booking_closure:index"), "label": _("Closures")}],
        )

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
        return closed_message(instance)


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
    """GET shows what reopening opens and which cancelled bookings could come back; POST
    reopens through `services.reopen`, giving them back when `restore` is "1"."""

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
                "effect": reopen_effect(self.closure, now=timezone.now()),
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
            return redirect("booking_closure:index")
        restore = request.POST.get("restore") == "1"
        try:
            closure = services.reopen(
                self.closure, now=timezone.now(), by=request.user, restore=restore
            )
        except services.BookingError as error:  # "busy"
            messages.error(request, error.message)
            return redirect("booking_closure:index")
        messages.success(request, reopened_message(closure, restore=restore))
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
