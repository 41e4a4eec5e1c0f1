"""The check-in desk reached by a booking's code: typed at the desk, or from the QR code on a
student's My bookings (which a student cannot use to check themselves in)."""

import pytest
from django.urls import reverse

from attendance.models import Attendance
from booking.models import Booking
from booking.web import qr

from .factories import TODAY, at, make_booking, make_participant, make_slot, texts

pytestmark = pytest.mark.django_db


# A booking's page from its QR code or a typed code ----------------------------------------------


def test_code_page_shows_the_booking_and_checks_in(staff_client):
    slot = make_slot()
    booking = make_booking(slot, make_participant(nickname="あおい", birth_year=2012))
    url = reverse("checkin_code", args=[booking.code])
    assert url == f"/admin/checkin/code/{booking.code}/"
    response = staff_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "あおい" in html and "Consent missing" in html and "16:00–18:00" in html
    assert reverse("checkin_came", args=[booking.pk]) in html

    response = staff_client.post(reverse("checkin_came", args=[booking.pk]), {"return_to": "code"})
    assert response.url == url
    assert Attendance.objects.get().booking == booking
    assert "✓" in staff_client.get(url).content.decode()


def test_code_page_of_a_cancelled_booking_offers_no_check_in(staff_client):
    booking = make_booking(make_slot(), status=Booking.Status.CANCELLED)
    html = staff_client.get(reverse("checkin_code", args=[booking.code])).content.decode()
    assert "Only a confirmed booking can be checked in" in html
    assert reverse("checkin_came", args=[booking.pk]) not in html


def test_typed_codes_are_forgiving_and_unknown_codes_get_a_message(staff_client):
    booking = make_booking(make_slot())
    booking.code = "K7QM2XPA"
    booking.save()
    response = staff_client.get(reverse("checkin_find_code"), {"code": " k7qm-2xpa "})
    assert response.url == reverse("checkin_code", args=["K7QM2XPA"])
    assert staff_client.get(reverse("checkin_code", args=["k7qm2xpa"])).status_code == 200

    for bad in ["", "!!!", "O0O0O0O0", "x" * 50]:
        response = staff_client.get(reverse("checkin_find_code"), {"code": bad})
        assert response.url == reverse("checkin_home"), bad
        assert texts(response), bad
    response = staff_client.get(reverse("checkin_code", args=["ZZZZZZZZ"]))
    assert response.url == reverse("checkin_home")
    assert any("No booking has the code ZZZZZZZZ" in t for t in texts(response))


def test_the_qr_code_on_my_bookings_opens_the_staff_check_in_page(client, settings, frozen_now):
    settings.WAGTAILADMIN_BASE_URL = "https://manabiba.example.jp"
    participant = make_participant(with_user=True)
    booking = make_booking(make_slot(start=at(TODAY, 17)), participant)
    client.force_login(participant.user)
    html = client.get(reverse("my_bookings")).content.decode()
    url = f"https://manabiba.example.jp/admin/checkin/code/{booking.code}/"
    assert qr.check_in_url(booking.code) == url
    assert str(qr.inline_svg(url)) in html


def test_a_student_opening_the_qr_url_cannot_check_in(client, frozen_now):
    participant = make_participant(with_user=True)
    booking = make_booking(make_slot(), participant)
    client.force_login(participant.user)
    response = client.get(reverse("checkin_code", args=[booking.code]))
    assert response.status_code == 302
    # The admin sends a signed-in student to their own page (cms/accounts/middleware.py).
    assert response.url == reverse("my_bookings")
    assert not Attendance.objects.filter(booking=booking).exists()
    response = client.post(reverse("checkin_came", args=[booking.pk]))
    assert response.status_code == 302
    assert response.url == reverse("my_bookings")
    assert not Attendance.objects.exists()
