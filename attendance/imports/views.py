"""The admin pages of the import: the list of recent uploads, the upload form, one upload's
page (being checked → preview → importing → result, or its problems), confirm, cancel, and the
small JSON answer the progress bar polls. Staff and administrators only: the rows of these
files name people, so Coordinators never see them.

Views stay thin: every step goes through `uploads`, which decides on the locked row and audits.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import View

from attendance.models import AttendanceImport
from attendance.services.importing.reading import FORMAT_LABELS

from . import progress
from .forms import UploadForm
from .uploads import UploadError, cancel_upload, confirm_upload, start_upload

PERMISSION = "attendance.import_attendance"
RECENT = 50
State = AttendanceImport.State

COLUMN_LABELS = {
    "participant": gettext_lazy("participant"),
    "school": gettext_lazy("school"),
    "date": gettext_lazy("date"),
    "kind": gettext_lazy("kind"),
}
FAILURE_MESSAGES = {
    AttendanceImport.Failure.PROBLEMS: gettext_lazy(
        "Nothing was imported: the file has the problems listed below. Correct them in the "
        "spreadsheet and upload it again."
    ),
    AttendanceImport.Failure.ERROR: gettext_lazy(
        "Nothing was imported: the file could not be processed. Upload it again; if this "
        "happens again, ask the site administrator."
    ),
    AttendanceImport.Failure.ABANDONED: gettext_lazy(
        "Nothing was imported: the work stopped before it finished. Upload the file again."
    ),
}


class ImportAdminView(View):
    """Base of the import views: the permission (Staff and administrators) and the clock."""

    # What `pk` in these addresses names (read by the admin's role-matrix walk too).
    model = AttendanceImport

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        self.now = timezone.now()
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict, *, title: str, crumbs=()):
        breadcrumbs = [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse("attendance_import_list"), "label": _("Import attendance")},
            *crumbs,
        ]
        return TemplateResponse(
            self.request,
            template,
            {
                "header_title": title,
                "page_title": title,
                "header_icon": "upload",
                "breadcrumbs_items": breadcrumbs,
                **context,
            },
        )

    def get_upload(self, pk: int) -> AttendanceImport:
        return get_object_or_404(AttendanceImport.objects.select_related("uploaded_by"), pk=pk)


class ImportListView(ImportAdminView):
    def get(self, request):
        uploads = AttendanceImport.objects.select_related("uploaded_by").order_by("-uploaded_at")
        return self.render(
            "attendance/imports/import_list.html",
            {"uploads": uploads[:RECENT]},
            title=_("Import attendance"),
        )


class UploadView(ImportAdminView):
    template_name = "attendance/imports/upload.html"

    def get(self, request):
        return self.show(UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(form, status=400)
        upload = start_upload(form.cleaned_data["file"], by=request.user, now=self.now)
        return redirect("attendance_import_detail", pk=upload.pk)

    def show(self, form, status=200):
        response = self.render(
            self.template_name,
            {"form": form},
            title=_("Upload an attendance spreadsheet"),
            crumbs=[{"url": "", "label": _("Upload")}],
        )
        response.status_code = status
        return response


def fiscal_years(figures: dict) -> list[dict]:
    report = reverse("attendance_report")
    return [
        {"year": int(year), "visits": visits, "report_url": f"{report}?fiscal_year={int(year)}"}
        for year, visits in sorted((figures or {}).items())
    ]


def shown_problems(upload: AttendanceImport) -> list[dict]:
    """The kept problems with their message in the reader's language."""
    language = (get_language() or "ja").split("-")[0]
    shown = []
    for record in upload.problems:
        message = record.get("message") or {}
        text = message.get(language) or next(iter(message.values()), "")
        column = record.get("column", "")
        shown.append(
            {
                "line": record.get("line"),
                "column": COLUMN_LABELS.get(column, column),
                "value": record.get("value", ""),
                "message": text,
            }
        )
    return shown


def format_label(stored: str) -> str:
    """The file format in the reader's language. The check stores the label in the language
    the worker ran in; any known label, in any language, is shown in the reader's."""
    for label in FORMAT_LABELS.values():
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if str(label) == stored:
                    break
        else:
            continue
        return str(label)
    return stored


class ImportDetailView(ImportAdminView):
    def get(self, request, pk: int):
        upload = self.get_upload(pk)
        preview = dict(upload.preview or {})
        if preview.get("file_format"):
            preview["file_format"] = format_label(preview["file_format"])
        problems = shown_problems(upload)
        waiting = upload.state in (State.UPLOADED, State.IMPORTING)
        context = {
            "upload": upload,
            "preview": preview,
            "years": fiscal_years(preview.get("visits_by_fiscal_year")),
            "problems": problems,
            "more_problems": max(upload.problem_count - len(problems), 0),
            "failure_message": FAILURE_MESSAGES.get(upload.failure, ""),
            "waiting": waiting,
            "progress": progress.read(upload.pk) if waiting else None,
            "can_confirm": upload.state == State.CHECKED and not upload.problem_count,
            "can_cancel": upload.state in (State.UPLOADED, State.CHECKED),
        }
        response = self.render(
            "attendance/imports/import_detail.html",
            context,
            title=_("Attendance import %(number)s") % {"number": upload.pk},
            crumbs=[{"url": "", "label": upload.file_name}],
        )
        add_never_cache_headers(response)
        return response


class ConfirmView(ImportAdminView):
    def post(self, request, pk: int):
        self.get_upload(pk)
        try:
            upload = confirm_upload(pk, by=request.user, now=self.now)
        except UploadError as exc:
            messages.error(request, exc.message)
            return redirect("attendance_import_detail", pk=pk)
        if upload.state == State.IMPORTED:
            messages.success(request, _("The attendance was imported."))
        elif upload.state == State.FAILED:
            messages.error(request, _("Nothing was imported."))
        return redirect("attendance_import_detail", pk=pk)


class CancelView(ImportAdminView):
    def post(self, request, pk: int):
        self.get_upload(pk)
        try:
            cancel_upload(pk, by=request.user, now=self.now)
        except UploadError as exc:
            messages.error(request, exc.message)
            return redirect("attendance_import_detail", pk=pk)
        messages.success(request, _("The upload was cancelled and its file deleted."))
        return redirect("attendance_import_list")


class ProgressView(ImportAdminView):
    """What the progress bar reads: the state, and how far the check or import has got (none
    when the cache knows nothing). Never cached: it changes every second."""

    def dispatch(self, request, *args, **kwargs):
        # A script reads this: a plain 403, never the admin's redirect to its home page.
        if not request.user.has_perm(PERMISSION):
            return JsonResponse({"error": "forbidden"}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int):
        state = AttendanceImport.objects.filter(pk=pk).values_list("state", flat=True).first()
        if state is None:
            raise Http404
        waiting = state in (State.UPLOADED, State.IMPORTING)
        response = JsonResponse(
            {
                "state": state,
                "finished": not waiting,
                "progress": progress.read(pk) if waiting else None,
            }
        )
        add_never_cache_headers(response)
        return response
