from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import JavaScriptCatalog, set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from booking.api import api
from cms import views
from cms.accounts.views import admin_login
from core.images import safe_image_chosen_view

urlpatterns = [
    # Before Wagtail's own: one login for everyone (cms/accounts/views.py).
    path("admin/login/", admin_login, name="admin_login"),
    # Wagtail's own address: choosing an image whose file is missing or damaged gets a "not
    # found" preview instead of a 500 (core/images.py).
    path(
        "admin/images/chooser/chosen/<str:pk>/",
        safe_image_chosen_view(),
        name="safe_image_chosen",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", views.search, name="search"),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("booking.web.urls")),
    # 「相談する」: consultation requests without an account, and the writer's private page.
    path("soudan/", include("outreach.web.urls")),
    # No CSRF token for the language switch: it only sets the visitor's own language cookie (a
    # forged switch harms nobody, and `next` is checked against the host), and a per-visitor
    # token in the header would make every public page uncacheable (cms/page_cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # The recurrence widget's scripts call gettext(); serve their catalogue ourselves.
    path(
        "jsi18n/recurrence/",
        JavaScriptCatalog.as_view(packages=["recurrence"]),
        name="recurrence-jsi18n",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# 404 and 403 are Django's own views with templates/404.html and 403.html; a server error gets
# a page that needs no database (cms/errors.py).
handler500 = "cms.errors.server_error"
