"""Staff register walk-ins (participants without an account) and find participants."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from booking.models import Participant
from booking.services.participants import create_participant, next_reference
from core.models import School

from .helpers import make_participant

pytestmark = pytest.mark.django_db

ADD_URL = reverse("booking_participant:add")
INDEX_URL = reverse("booking_participant:index")


@pytest.fixture
def school(db):
    return School.objects.create(name="益田高校", short_name="益田高")


def walk_in(**fields):
    data = {
        "nickname": "たろう",
        "school": "",
        "birth_year": "2010",
        "contact_email": "",
        "language": "ja",
    }
    data.update(fields)
    return data


def test_staff_register_a_walk_in_with_a_generated_reference(staff_client, school):
    response = staff_client.post(ADD_URL, walk_in(school=str(school.pk)), follow=True)
    assert response.status_code == 200
    participant = Participant.objects.get()
    assert participant.reference == "P-0001"
    assert participant.user is None
    assert participant.school == school and participant.birth_year == 2010
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("P-0001" in text for text in texts), texts

    staff_client.post(ADD_URL, walk_in(nickname="はなこ", contact_email="hana@example.org"))
    second = Participant.objects.get(nickname="はなこ")
    assert second.reference == "P-0002" and second.school is None
    assert second.contact_email == "hana@example.org"


def test_references_count_on_as_numbers():
    make_participant(reference="P-0009")
    make_participant(reference="P-9999")
    make_participant(reference="X-99999")  # another scheme does not interfere
    assert next_reference() == "P-10000"
    assert create_participant(nickname="a").reference == "P-10000"
    assert create_participant(nickname="b").reference == "P-10001"


def test_create_participant_links_an_account():
    from tests.factories import make_user

    user = make_user("hanako")
    participant = create_participant(
        nickname="はなこ", user=user, contact_email=user.email, language="en"
    )
    assert participant.user == user and participant.language == "en"
    assert participant.reference.startswith("P-")


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"nickname": ""}, "This field is required."),
        ({"birth_year": "1900"}, "Enter a year between 1950 and"),
        ({"birth_year": str(timezone.localdate().year + 1)}, "Enter a year between 1950 and"),
        ({"birth_year": "abc"}, "Enter a whole number."),
        ({"contact_email": "not-an-email"}, "Enter a valid email address."),
        ({"school": "99999"}, "Select a valid choice."),
    ],
)
def test_bad_walk_in_input_gets_a_message(staff_client, fields, error):
    response = staff_client.post(ADD_URL, walk_in(**fields))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Participant.objects.exists()


def test_staff_search_participants_by_nickname_or_reference(staff_client):
    make_participant(nickname="たろう", reference="P-0001")
    make_participant(nickname="じろう", reference="P-0002")
    html = staff_client.get(INDEX_URL, {"q": "たろう"}).content.decode()
    assert "たろう" in html and "じろう" not in html
    html = staff_client.get(INDEX_URL, {"q": "P-0002"}).content.decode()
    assert "じろう" in html and "たろう" not in html


def test_editing_keeps_the_reference(staff_client):
    participant = make_participant(nickname="たろう", reference="P-0007")
    response = staff_client.post(
        reverse("booking_participant:edit", args=[participant.pk]),
        walk_in(nickname="たろう２", reference="P-9999"),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    # Typed in full width, stored in half width (core.text): one spelling per name.
    assert participant.nickname == "たろう2" and participant.reference == "P-0007"


def test_staff_cannot_delete_participants(staff_client):
    participant = make_participant()
    url = reverse("booking_participant:delete", args=[participant.pk])
    assert staff_client.post(url).status_code in (302, 403)
    assert Participant.objects.filter(pk=participant.pk).exists()
