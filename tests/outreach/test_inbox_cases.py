"""A request becomes a participant and a case in two clicks: the button on the request's page,
then a short form prefilled from the request."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from booking.models import Participant
from core.models import School
from outreach import audit
from outreach.models import Case, ConsultationRequest, StatusChange
from outreach.services.errors import OutreachError
from outreach.services.requests import found_via_for, open_case_from_request
from tests.outreach.factories import NOW, make_request, make_role_user

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status
Source = ConsultationRequest.Source


def test_open_case_from_request_creates_participant_case_status_row_and_audit():
    staff = make_role_user("outreach-staff")
    school = School.objects.create(name="益田高校")
    request = make_request(name="ゆう", source=Source.WEB)
    case = open_case_from_request(
        request,
        nickname="ゆう",
        school=school,
        situation=Case.Situation.NOT_ATTENDING,
        by=staff,
        now=NOW,
    )
    assert case.code.startswith("C-") and len(case.code) == 8
    participant = Participant.objects.get()
    assert (participant.nickname, participant.school, participant.user) == ("ゆう", school, None)
    assert participant.contact_email == ""  # the request's contact stays with the request
    assert case.participant == participant and case.request == request
    assert case.found_via == Case.FoundVia.REQUEST
    assert list(case.staff.all()) == [staff]
    assert list(StatusChange.objects.filter(case=case).values_list("status", "changed_by")) == [
        (Case.Status.ONGOING, staff.pk)
    ]
    request.refresh_from_db()
    assert request.status == Status.ONGOING and request.assigned_to == staff
    entry = ModelLogEntry.objects.get(object_id=str(case.pk), action=audit.OPEN_CASE)
    assert entry.user == staff and request.code in entry.data["detail"]
    assert ModelLogEntry.objects.filter(
        object_id=str(request.pk), action=audit.CHANGE_REQUEST
    ).exists()
    with pytest.raises(OutreachError) as refused:
        open_case_from_request(request, nickname="ゆう", situation="futoko", by=staff, now=NOW)
    assert refused.value.code == "request_has_case"
    assert Case.objects.count() == 1 and Participant.objects.count() == 1


@pytest.mark.parametrize(
    ("source", "channel", "found_via"),
    [
        (Source.INSTAGRAM, "form", "sns"),
        (Source.FACEBOOK, "form", "sns"),
        (Source.LINE, "form", "sns"),
        (Source.SCHOOL, "form", "request"),
        ("", "sns", "sns"),
        ("", "phone", "request"),
    ],
)
def test_found_via_follows_the_source(source, channel, found_via):
    assert found_via_for(make_request(source=source, channel=channel)) == found_via


def test_two_clicks_from_the_request_page_to_the_case(client):
    staff = make_role_user("outreach-staff")
    request = make_request(name="はな", source=Source.INSTAGRAM)
    client.force_login(staff)
    page = client.get(reverse("outreach_request", args=[request.code])).content.decode()
    form_url = reverse("outreach_request_case", args=[request.code])
    assert f'href="{form_url}"' in page
    form = client.get(form_url).context["form"]
    assert form.initial == {"nickname": "はな", "found_via": "sns"}
    response = client.post(
        form_url, {"nickname": "はな", "situation": "futoko_risk", "found_via": "sns"}
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outreach_case", args=[case.code])
    assert (case.situation, case.found_via, case.request) == ("futoko_risk", "sns", request)
    # The request's page now links to the case instead of offering a second one.
    page = client.get(reverse("outreach_request", args=[request.code])).content.decode()
    assert f'href="{reverse("outreach_case", args=[case.code])}"' in page
    assert f'href="{form_url}"' not in page


def test_only_staff_who_keep_case_records_open_a_case(client):
    request = make_request()
    client.force_login(make_role_user("committee"))
    response = client.post(
        reverse("outreach_request_case", args=[request.code]),
        {"nickname": "x", "situation": "futoko", "found_via": "request"},
    )
    assert response.status_code == 302  # refused by the admin, back to the dashboard
    assert not Case.objects.exists() and not Participant.objects.exists()


def test_a_request_assigned_to_someone_else_cannot_become_my_case(client):
    other = make_role_user("outreach-staff", "other")
    request = make_request(assigned_to=other)
    client.force_login(make_role_user("outreach-staff"))
    response = client.post(
        reverse("outreach_request_case", args=[request.code]),
        {"nickname": "x", "situation": "futoko", "found_via": "request"},
    )
    assert response.status_code == 404
    assert not Case.objects.exists()
