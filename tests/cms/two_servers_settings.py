"""Production settings for the app servers of tests/cms/test_two_app_servers.py.

Everything comes from the environment as in production; the one difference is static files:
the test does not run `collectstatic`, so there is no manifest for
`CompressedManifestStaticFilesStorage` to read (every page would answer 500) and nothing for
whitenoise to serve.
"""

from cms.settings.production import *  # noqa: F403

STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
