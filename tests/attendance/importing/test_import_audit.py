"""A successful import writes one audit entry on the site (counts, format, file name: nothing
personal); a refused file writes none."""

import pytest
from wagtail.log_actions import registry
from wagtail.models import ModelLogEntry, Site

from attendance.services.importing import ImportFileError, import_attendance
from attendance.services.importing.reading import FORMAT_LABELS
from core.audit import IMPORT_ATTENDANCE
from tests.factories import make_user

from .helpers import HEADER, at, make_schools, run, write_csv

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 10, 10)
DATA = f"{HEADER}\nP-0001,益田高校,2025-04-01,pbl\nP-0002,,2025-04-02,pbl\n".encode()


def entries():
    return ModelLogEntry.objects.filter(action=IMPORT_ATTENDANCE)


def test_an_import_is_audited_on_the_site_by_its_user():
    make_schools()
    coordinator = make_user("coordinator", groups=["Coordinators"])

    import_attendance(DATA, name="2025年度.csv", now=NOW, by=coordinator)

    (entry,) = entries()
    site = Site.objects.get(is_default_site=True)
    assert (entry.content_type.model_class(), entry.object_id) == (Site, str(site.pk))
    assert entry.user == coordinator
    assert entry.timestamp == NOW
    assert entry.data == {
        "rows": 2,
        "added": 2,
        "participants_created": 2,
        "format": str(FORMAT_LABELS["utf-8"]),
        "file": "2025年度.csv",
        "detail": "2025年度.csv",
    }
    assert "P-0001" not in str(entry.data)
    assert registry.action_exists(IMPORT_ATTENDANCE)


def test_the_command_audits_without_a_user(tmp_path):
    make_schools()
    run("import_attendance", str(write_csv(tmp_path, DATA.decode().splitlines())))
    (entry,) = entries()
    assert entry.user is None
    assert entry.data["file"] == "visits.csv"


def test_a_refused_file_and_a_preview_leave_no_entry():
    from attendance.services.importing import preview_import

    with pytest.raises(ImportFileError):
        import_attendance(DATA + b"P-3,,2025-04-03,karaoke\n", now=NOW)
    preview_import(DATA, now=NOW)
    assert entries().count() == 0
