"""The public 「相談する」 pages, mounted at /soudan/ by cms/urls.py (before Wagtail's pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.request_form, name="soudan"),
    path("r/<str:token>/", views.request_page, name="soudan_page"),
    path("r/<str:token>/close/", views.close_private_page, name="soudan_close"),
]
