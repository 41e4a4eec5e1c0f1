"""Media on an S3-compatible object store, tested against a real one (moto in server mode): an
image uploaded through the admin on one app server is rendered on another."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model

from bench.servers import free_port, stop
from tests.cms.test_images import png_bytes
from tests.cms.test_production_settings import production_env, run
from tests.factories import get_home, make_program, make_user

BUCKET = "manabiba-media"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server on a free port, for this module only; stopped by its PID."""
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **CREDENTIALS},
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start: {log.read_text()}")
                time.sleep(0.2)
        yield endpoint
    finally:
        stop(server)


@pytest.fixture
def bucket(s3_endpoint, settings):
    """An empty bucket, and STORAGES["default"] pointed at it as base.py would from the
    environment; yields a boto3 client to look inside."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    # Pages link to the files themselves (AWS_QUERYSTRING_AUTH off): a publicly readable bucket.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                "secret_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    cache.clear()
    yield client
    cache.clear()
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket_policy(Bucket=BUCKET)
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def become_another_server(settings):
    """What a second app server has: the same database and bucket, a fresh storage object, an
    empty local media folder and its own (empty) cache."""
    del storages.backends  # Django's storage handler builds the backends again from STORAGES
    storages._storages = {}
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    cache.clear()


@pytest.mark.django_db
def test_image_uploaded_on_one_server_renders_on_another(client, index, bucket, settings):
    admin = make_user(is_superuser=True, admin_language="en")
    client.force_login(admin)
    upload = SimpleUploadedFile("hero.png", png_bytes((640, 400)), content_type="image/png")
    response = client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload})
    assert response.status_code == 200
    assert response.json()["success"] is True
    image = get_image_model().objects.get(title="hero.png")
    stored = keys(bucket)
    assert image.file.name in stored
    assert image.file.name.startswith("original_images/")
    assert not Path(settings.MEDIA_ROOT, image.file.name).exists()  # nothing on local disk

    program = make_program(index, title="水の実験", hero_image=image)
    home = get_home()
    home.hero_image = image
    home.save_revision().publish()

    become_another_server(settings)
    for url, spec in ((program.url, "fill-1200x630"), ("/", "fill-1200x500")):
        response = client.get(url)
        assert response.status_code == 200
        soup = BeautifulSoup(response.content, "html.parser")
        hero = soup.select_one("img.program__image, img.hero__image")
        assert hero is not None
        assert hero["src"].startswith(f"{settings.STORAGES['default']['OPTIONS']['endpoint_url']}/")
        rendition = image.renditions.get(filter_spec=spec)
        assert rendition.file.name in keys(bucket)
        assert hero["src"].endswith(rendition.file.name)
        og_image = soup.select_one('meta[property="og:image"]')["content"]
        assert og_image.endswith(image.renditions.get(filter_spec="fill-1200x630").file.name)
        # The store serves the rendition at the URL the page gives.
        with urllib.request.urlopen(hero["src"], timeout=5) as served:  # noqa: S310
            assert served.status == 200
            assert served.read()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))

    become_another_server(settings)
    response = client.get(reverse("wagtailimages:edit", args=[image.pk]))
    assert response.status_code == 200
    assert "hero.png" in response.content.decode()


@pytest.mark.django_db
def test_original_deleted_from_the_bucket_leaves_the_page_up(client, index, bucket, settings):
    from tests.factories import make_image

    image = make_image()
    assert image.file.name in keys(bucket)
    program = make_program(index, title="水の実験", hero_image=image)
    bucket.delete_object(Bucket=BUCKET, Key=image.file.name)
    become_another_server(settings)
    response = client.get(program.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "水の実験"
    assert soup.select("img") == []


LOCAL = ";print(type(storages['default']).__name__)"


@pytest.mark.parametrize("module", ["cms.settings.test", "cms.settings.production"])
def test_settings_put_media_in_the_bucket_named_in_the_environment(tmp_path, module):
    script = (
        "import django; django.setup();"
        "from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(type(s).__module__, type(s).__name__, s.bucket_name, s.endpoint_url,"
        " s.querystring_auth, s.custom_domain);"
        "print(type(storages['staticfiles']).__name__)"
    )
    env = production_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE=module,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL="https://s3.example.jp",
        AWS_S3_REGION_NAME="ap-northeast-1",
        AWS_S3_CUSTOM_DOMAIN="media.example.jp",
        **CREDENTIALS,
    )
    result = run(["-c", script], env)
    assert result.returncode == 0, result.stderr
    media, static = result.stdout.splitlines()
    assert media == (
        f"storages.backends.s3 S3Storage {BUCKET} https://s3.example.jp False media.example.jp"
    )
    if module == "cms.settings.production":
        assert static == "CompressedManifestStaticFilesStorage"  # whitenoise keeps static files

    unset = production_env(tmp_path, DJANGO_SETTINGS_MODULE=module, AWS_STORAGE_BUCKET_NAME=" ")
    result = run(["-c", script.split(";s = ")[0] + LOCAL], unset)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FileSystemStorage"
