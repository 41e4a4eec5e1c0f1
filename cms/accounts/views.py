"""Wagtail's own login page is not a second door."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def admin_login(request):
    """/admin/login/ leads to allauth's login, whatever the method: Wagtail's form would skip
    e-mail verification, the rate limits and the second factor. Nothing is authenticated here;
    a POST is answered with the same redirect. allauth checks `next` itself."""
    next_url = request.GET.get("next") or reverse("wagtailadmin_home")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
