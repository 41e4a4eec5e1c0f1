"""Admin URLs of the import, mounted under /admin/attendance-imports/ by the
`register_admin_urls` hook (so Wagtail's admin-access check runs first)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.ImportListView.as_view(), name="attendance_import_list"),
    path("upload/", views.UploadView.as_view(), name="attendance_import_upload"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="attendance_import_detail"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="attendance_import_confirm"),
    path("<int:pk>/cancel/", views.CancelView.as_view(), name="attendance_import_cancel"),
    path("<int:pk>/progress/", views.ProgressView.as_view(), name="attendance_import_progress"),
]
