"""The Content-Security-Policy (django-csp), with the one exception the admin needs.

Wagtail 8 still writes inline scripts into its own widgets (date and time inputs, choosers:
`wagtail.admin.widgets`), and its jQuery runs the inline scripts of the HTML it inserts: under
`script-src 'self'` the editor's date picker and image chooser do nothing. So pages under
/admin/, reached only by signed-in staff (with a second factor for personal data), also allow
inline scripts; the public site, the login and the second-factor pages never do.
tests/browser/test_csp.py checks both.
"""

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path.startswith(reverse("wagtailadmin_home")):
            parts.update = {**(parts.update or {}), "script-src": [UNSAFE_INLINE]}
        return parts
