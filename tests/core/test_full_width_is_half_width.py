"""What people type or import is NFKC-normalised in one place (core.text): full-width and
half-width letters, digits and symbols are the same thing everywhere a person types."""

import pytest
from django.urls import reverse

from attendance.desk.forms import CodeForm
from attendance.models import Attendance
from booking.models import Participant
from booking.web.forms import ProfileForm
from core.text import nfkc
from tests.attendance.importing.helpers import HEADER, make_schools, run, write_csv
from tests.factories import make_program, make_user


def test_nfkc_maps_full_width_to_half_width():
    assert nfkc("Ｐ－９００１") == "P-9001"
    assert nfkc("ｋ７ｑｍ２ｘｐａ") == "k7qm2xpa"
    assert nfkc("ｶﾞｸｼｭｳ") == "ガクシュウ"  # half-width katakana become full-width
    assert nfkc("学習スペース") == "学習スペース"


def test_a_full_width_booking_code_is_read_at_the_desk():
    form = CodeForm({"code": "ｋ７ｑｍ２ｘｐａ"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "K7QM2XPA"
    spaced = CodeForm({"code": "Ｋ７ＱＭ－２ＸＰＡ"})
    assert spaced.is_valid() and spaced.cleaned_data["code"] == "K7QM2XPA"


def test_a_nickname_typed_in_full_width_is_stored_half_width():
    form = ProfileForm({"nickname": "ＨＡＮＡ２０２６", "school": "", "birth_year": "２００９"})
    form.is_valid()
    assert form.cleaned_data["nickname"] == "HANA2026"


@pytest.mark.django_db
def test_a_full_width_reference_in_an_import_is_the_same_person(tmp_path):
    make_schools()
    lines = [
        HEADER,
        "P-9001,益田高校,2025-05-10,study_space",
        "Ｐ－９００１,益田高校,2025-05-11,study_space",
    ]
    out, _ = run("import_attendance", str(write_csv(tmp_path, lines)))
    assert Participant.objects.filter(reference="P-9001").count() == 1
    assert Participant.objects.count() == 1
    assert Attendance.objects.filter(participant__reference="P-9001").count() == 2


@pytest.mark.django_db
def test_the_desk_search_finds_a_reference_typed_in_full_width(client):
    from tests.attendance.factories import make_participant, make_slot

    staff = make_user("desk", groups=["Staff"])
    client.force_login(staff)
    hit = make_participant(nickname="さくら", reference="P-0042")
    url = reverse("checkin_roster", args=[make_slot().pk])
    found = client.get(url, {"q": "Ｐ－００４２"}).context["found"]
    assert [p.pk for p in found] == [hit.pk]


@pytest.mark.django_db
def test_site_search_in_full_width_finds_the_page(client, index):
    make_program(index, title="PBL まちづくり", kind="pbl")
    response = client.get("/search/", {"q": "ｐｂｌ"})
    assert response.status_code == 200
    assert "PBL まちづくり" in response.content.decode()
