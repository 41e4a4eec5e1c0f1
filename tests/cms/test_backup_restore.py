"""`manage.py backup` and `manage.py restore` end to end: the restored site, in a fresh
database and an empty media root, shows the same figures, pages and images."""

import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cms.models import ImpactPage
from tests.attendance.reports.helpers import NOW, make_report_data
from tests.cms.backup_probe import snapshot
from tests.factories import get_home, make_image, make_program, make_program_index

# Transactional: pg_dump and the restoring process only see committed rows. Serialized
# rollback puts back what the migrations created once the test has emptied the database.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@contextmanager
def fresh_database(tmp_path):
    """The DATABASE_URL of a new, empty database, dropped afterwards on PostgreSQL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
    }
    name = f"manabiba_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        password = f":{params['password']}" if params["password"] else ""
        yield f"postgresql://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def restore_elsewhere(backup, *, database_url, media_root, paths, now):
    """Run `restore` and the snapshot in another process, on the fresh database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="cms.settings.test")
    command = [sys.executable, "-m", "tests.cms.backup_probe", "--restore-from", str(backup)]
    command += ["--media-root", str(media_root), "--fiscal-year", "2026"]
    command += ["--now", now.isoformat(), "--report-now", NOW.isoformat(), *paths]
    result = subprocess.run(  # noqa: S603
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def build_site():
    make_report_data()
    home = get_home()
    home.hero_image = make_image("ホームの写真")
    home.save_revision().publish()
    index = make_program_index()
    programme = make_program(index, title="水のふしぎ", hero_image=make_image("実験の写真"))
    impact = home.add_child(instance=ImpactPage(title="数字で見る学び場", slug="impact"))
    impact.save_revision().publish()
    return ["/", programme.url, impact.url]


def test_a_backup_restores_the_same_site_into_a_fresh_database_and_media_root(
    client, tmp_path, settings
):
    paths = build_site()
    now = timezone.now()
    # Also renders the images' renditions; the restoring process pins its clock to `now`.
    before = snapshot(client, paths, fiscal_year=2026, now=NOW)
    assert [page["status"] for page in before["pages"].values()] == [200, 200, 200]
    home, programme, impact = (before["pages"][path] for path in paths)
    assert len(home["images"]) == 2  # the hero and the programme's card
    assert len(programme["images"]) == 1
    assert programme["images"][0].startswith("/media/images/")
    assert "水のふしぎ" in programme["text"]
    assert before["report"]["total_visits"] == 4
    assert before["report"]["no_shows"] == 1
    originals = [name for name in before["files"] if name.startswith("original_images/")]
    assert len(originals) == 2
    assert len(before["files"]) > 2  # and their renditions

    backup = tmp_path / "backup"
    call_command("backup", to=backup)
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["booking_participant"] == 3
    assert manifest["tables"]["booking_attendance"] == 5
    assert manifest["media"]["files"] == len(before["files"])

    fresh_media = tmp_path / "fresh-media"
    with fresh_database(tmp_path) as database_url:
        after = restore_elsewhere(
            backup, database_url=database_url, media_root=fresh_media, paths=paths, now=now
        )
    assert after["report"] == before["report"]
    assert after["pages"] == before["pages"]
    assert after["files"] == before["files"]
    for page in after["pages"].values():
        for url in page["images"]:
            assert (fresh_media / url.removeprefix(settings.MEDIA_URL)).is_file()


def test_restore_refuses_a_database_with_tables_and_a_damaged_backup(tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", to=backup)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", source=backup)

    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", to=backup)

    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    with dump.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", source=backup, force=True)
