"""deploy/ stays true to the README: a unit and a timer for every command in the Operations
table, every configuration variable in env.example, and files that systemd and nginx accept."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from attendance.imports.uploads import MAX_UPLOAD_SIZE

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def first_column(section: str) -> list[str]:
    """The first cell of every row of the section's table, header and rule left out."""
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [row.split("|")[1].strip() for row in rows[1:] if not row.startswith("|---")]


def unit(name: str) -> str:
    return (UNITS / name).read_text()


def test_every_operations_command_has_a_service_and_a_timer_in_asia_tokyo():
    commands = [
        re.match(r"`manage\.py (\w+)", cell).group(1)
        for cell in first_column(readme_section("Operations"))
    ]
    assert len(commands) >= 7
    assert {"generate_slots", "send_reminders", "backup"} <= set(commands)
    services = {path.stem: path.read_text() for path in UNITS.glob("*.service")}
    for command in commands:
        found = [
            name
            for name, text in services.items()
            if re.search(rf"^ExecStart=.*manage\.py {command}\b", text, re.M)
        ]
        assert len(found) == 1, command
        timer = UNITS / f"{found[0]}.timer"
        assert timer.exists(), command
        calendar = re.search(r"^OnCalendar=(.+)$", timer.read_text(), re.M).group(1)
        assert calendar.endswith(" Asia/Tokyo"), timer.name
        assert "EnvironmentFile=/etc/manabiba/env" in services[found[0]]
    reminders = unit("manabiba-send-reminders.timer")
    assert "OnCalendar=*-*-* 18:00:00 Asia/Tokyo" in reminders


def test_long_running_services():
    gunicorn = unit("manabiba-gunicorn.service")
    assert re.search(r"^ExecStart=\S+/gunicorn cms\.wsgi ", gunicorn, re.M)
    assert "EnvironmentFile=/etc/manabiba/env" in gunicorn
    worker = unit("manabiba-mail-worker.service")
    assert re.search(r"^ExecStart=.*manage\.py db_worker --backend mail$", worker, re.M)
    for line in ("Nice=19", "Restart=always", "EnvironmentFile=/etc/manabiba/env"):
        assert re.search(rf"^{re.escape(line)}$", worker, re.M), line


def test_env_example_lists_every_configuration_variable():
    names = [
        name
        for cell in first_column(readme_section("Configuration"))
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)
    ]
    assert len(names) >= 13
    example = (DEPLOY / "env.example").read_text()
    listed = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", example, re.M))
    assert set(names) - listed == set()
    assert "DJANGO_SETTINGS_MODULE=cms.settings.production" in example


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    # The units name /srv/manabiba; verify checks that their programs exist, so point them here.
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/manabiba", str(ROOT)))
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_nginx_config_forwards_what_django_needs():
    conf = (DEPLOY / "nginx" / "manabiba.conf").read_text()
    for header in ("X-Forwarded-Proto $scheme", "X-Forwarded-For", "Host $host"):
        # /, /healthz on 80 and 443, and the import's upload
        assert conf.count(f"proxy_set_header {header}") == 4, header
    assert conf.count("location = /healthz") == 2
    assert "return 301 https://$host$request_uri;" in conf
    assert len(re.findall(r"^\s+server \S+:8000", conf, re.M)) == 2
    size = re.search(r"client_max_body_size (\d+)m;", conf).group(1)
    upload = re.search(
        r"location = /admin/attendance-imports/upload/ \{\s+client_max_body_size (\d+)m;", conf
    ).group(1)
    assert int(upload) * 1024 * 1024 > MAX_UPLOAD_SIZE
    assert reverse("attendance_import_upload") == "/admin/attendance-imports/upload/"
    assert int(size) * 1024 * 1024 > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
    assert int(size) * 1024 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_accepts_the_config(tmp_path):
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if not (nginx and openssl):
        pytest.skip("nginx or openssl is not installed")
    subprocess.run(  # noqa: S603
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=manabiba.test", "-keyout", "key.pem", "-out", "cert.pem"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    site = (DEPLOY / "nginx" / "manabiba.conf").read_text()
    site = site.replace("/etc/ssl/manabiba/fullchain.pem", str(tmp_path / "cert.pem"))
    site = site.replace("/etc/ssl/manabiba/privkey.pem", str(tmp_path / "key.pem"))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(  # noqa: S603
        [nginx, "-t", "-q", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
