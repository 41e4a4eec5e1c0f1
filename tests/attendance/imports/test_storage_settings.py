"""Where uploaded spreadsheets wait, and who works on them, in production: with object storage
(two app servers), the private prefix of the bucket, never public; without it, the private
folder outside MEDIA_ROOT. The check and the import go to the `imports` database queue."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "not-a-real-key",
    "ALLOWED_HOSTS": "manabiba.example.org",
    "DATABASE_URL": "postgres://manabiba@localhost/manabiba",
    "EMAIL_HOST": "mail.example.org",
    "DEFAULT_FROM_EMAIL": "manabiba@example.org",
    "WAGTAILADMIN_BASE_URL": "https://manabiba.example.org",
}
READ = (
    "import json; from cms.settings import production as p; "
    "print(json.dumps({'storage': p.STORAGES['imports'], 'tasks': p.TASKS['imports'], "
    "'media': str(p.MEDIA_ROOT)}, default=str))"
)


def production_settings(**extra) -> dict:
    env = {"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV, **extra}
    out = subprocess.run(
        [sys.executable, "-c", READ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_with_a_bucket_uploads_go_to_its_private_prefix():
    found = production_settings(
        AWS_STORAGE_BUCKET_NAME="manabiba-media",
        AWS_QUERYSTRING_AUTH="false",  # media are public; the uploads never are
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
    )
    storage = found["storage"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "manabiba-media"
    assert options["location"] == "private/imports"
    assert options["default_acl"] == "private"
    assert options["querystring_auth"] is True
    assert "custom_domain" not in options
    assert found["tasks"] == {"BACKEND": "django_tasks_db.DatabaseBackend"}


def test_without_a_bucket_uploads_stay_in_the_private_folder():
    found = production_settings()
    storage = found["storage"]
    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    location = storage["OPTIONS"]["location"]
    assert location == str(settings.BASE_DIR / "private" / "imports")
    assert not location.startswith(found["media"])
